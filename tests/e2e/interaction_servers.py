"""The two servers a citizen talks to, run inside the test process beside pytest-django's live
server (the admin), all on the same test database:

- the public service: ``govsites.public.urls`` behind the public service's own middleware stack
  (the input guard, no sessions or CSRF), as ``govsites.settings.public`` deploys it;
- the front: the published folder served by the built-in front server, whose CSP allows the
  public service's origin as ``form-action`` — so the browser itself proves the static forms may
  post there.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import QuietWSGIRequestHandler
from django.test.utils import override_settings

from govsites.public import conf
from govsites.publishing.frontserver import make_front_server

PUBLIC_URLCONF = "govsites.public.urls"


class PublicServiceHandler(WSGIHandler):
    """``govsites.public.wsgi`` in the test settings: the public middleware stack (loaded once,
    here) and every request resolved against the public URL set only."""

    def __init__(self):
        with override_settings(MIDDLEWARE=list(conf.MIDDLEWARE)):
            super().__init__()

    def get_response(self, request):
        request.urlconf = PUBLIC_URLCONF
        return super().get_response(request)


def _shared_connections() -> dict:
    """An in-memory SQLite test database lives in this thread's connection: lend it to the
    server's threads as Django's LiveServerThread does (a file or PostgreSQL needs nothing)."""
    shared = {}
    for conn in connections.all():
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            conn.inc_thread_sharing()
            shared[conn.alias] = conn
    return shared


@contextlib.contextmanager
def _running(server, url: str) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def public_service() -> Iterator[str]:
    """Serve the public service at ``http://127.0.0.1:<port>`` for the duration of the block."""
    shared = _shared_connections()
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False,
                                connections_override=shared)
    server.set_app(PublicServiceHandler())
    try:
        with _running(server, f"http://127.0.0.1:{server.server_address[1]}") as url:
            yield url
    finally:
        for conn in shared.values():
            conn.dec_thread_sharing()


@contextlib.contextmanager
def front_server(root, public_origin: str) -> Iterator[str]:
    """Serve a published front folder (sites under ``/<site key>/``) with the fronts' headers."""
    server = make_front_server(root, "127.0.0.1", 0, form_action_origin=public_origin, quiet=True)
    with _running(server, f"http://127.0.0.1:{server.server_address[1]}") as url:
        yield url


# -- the accessible challenge, answered as a person reads it --------------------------------------

DIGITS = "零一二三四五六七八九"
_QUESTION = re.compile(r"([零一二三四五六七八九十]+)(加|减|乘以)([零一二三四五六七八九十]+)等于几")


def chinese_number(text: str) -> int:
    """0–99 in Chinese numerals: 七, 十, 十三, 二十, 四十五."""
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(f"not a Chinese number: {text!r}")
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def answer_question(question: str) -> str:
    """The answer to "九加四等于几？请填写阿拉伯数字。" (also 减 and 乘以), in Arabic digits."""
    match = _QUESTION.search(question)
    if match is None:
        raise ValueError(f"not an arithmetic question: {question!r}")
    left, operator, right = chinese_number(match.group(1)), match.group(2), chinese_number(match.group(3))
    return str({"加": left + right, "减": left - right, "乘以": left * right}[operator])
