"""The built-in front server, over real HTTP on 127.0.0.1."""

import http.client
import os
import threading
import time
from email.utils import formatdate
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest

from govsites.publishing.frontserver import FrontApp, cache_control, content_type, make_front_server
from govsites.publishing.targets.local import LocalFolderTarget
from tests.publishing.targets.support import Store, free_port

SITE = "www.example.gov.cn"
FILES = {
    "index.html": "<h1>首页</h1>",
    "404.html": "<h1>页面不存在（本站）</h1>",
    "zwdt/index.html": "<h1>政务动态</h1>",
    "zwdt/202612/t20261204_42.html": "<p>信息</p>",
    "assets/site.0123abcd.css": "body{}",
    "images/logo.png": "\x89PNG",
    "files/7/通知.pdf": "%PDF",
    "sitemap.xml": "<urlset/>",
    ".well-known/security.txt": "Contact: mailto:a@example.gov.cn",
}


@pytest.fixture
def front(tmp_path):
    store = Store(tmp_path / "store")
    target = LocalFolderTarget("local", tmp_path / "front")
    target.apply(SITE, None, 1, store.writes(FILES), [])
    target.apply("site-7", None, 1, store.writes({"index.html": "七号站"}), [])
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (tmp_path / "front" / "secret.txt").write_text("TOP SECRET")
    target.store = store
    return target


@pytest.fixture
def server(front):
    httpd = make_front_server(front.path, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def get(port, path, host=None, method="GET", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    all_headers = {"Host": host or f"127.0.0.1:{port}", **(headers or {})}
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in all_headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body.decode("utf-8", "replace")


@pytest.mark.rule("SEC-01")
def test_routing_by_host_header(server):
    status, headers, body = get(server, "/zwdt/", host=f"{SITE}:8001")
    assert (status, body) == (200, "<h1>政务动态</h1>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert get(server, "/", host=SITE.upper())[2] == "<h1>首页</h1>"
    assert get(server, "/", host="site-7")[2] == "七号站"


def test_routing_by_path_prefix(server):
    assert get(server, f"/{SITE}/zwdt/202612/t20261204_42.html")[2] == "<p>信息</p>"
    status, headers, _ = get(server, f"/{SITE}")
    assert (status, headers["Location"]) == (301, f"/{SITE}/")
    status, headers, _ = get(server, f"/{SITE}/zwdt?from=rss")
    assert (status, headers["Location"]) == (301, f"/{SITE}/zwdt/?from=rss")
    status, headers, _ = get(server, "/zwdt", host=SITE)
    assert (status, headers["Location"]) == (301, "/zwdt/")
    status, headers, _ = get(server, "//evil.example.com/", host="unknown.example.com")
    assert status == 404 and "Location" not in headers


def test_index_lists_the_sites(server):
    status, _, body = get(server, "/")
    assert status == 200
    assert f'<a href="/{SITE}/">{SITE}</a>' in body and '<a href="/site-7/">' in body
    assert "本机共发布 2 个网站" in body


def test_missing_page_is_the_sites_404(server):
    status, headers, body = get(server, f"/{SITE}/nope.html")
    assert (status, body) == (404, "<h1>页面不存在（本站）</h1>")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert get(server, "/images/", host=SITE)[0] == 404  # a folder without index.html: never listed
    assert get(server, "/site-7/nope")[0] == 404  # a site without 404.html: a plain 404


@pytest.mark.rule("SEC-01")
@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", f"/{SITE}/../secret.txt", f"/{SITE}/../../secret.txt", "/%2e%2e/secret.txt",
     f"/{SITE}/%2e%2e/%2e%2e/secret.txt", f"/{SITE}/zwdt%2f..%2f..%2fsecret.txt", f"/{SITE}%2f..%2fsecret.txt",
     f"/{SITE}/..%5c..%5csecret.txt", f"/{SITE}/index.html%00.png", "/secret.txt", "/.releases/",
     f"/.releases/{SITE}/1/index.html", f"/{SITE}/./index.html", f"/{SITE}/%2E%2E/secret.txt",
     f"/{SITE}/..\\secret.txt", "/%c0%ae%c0%ae/secret.txt"],
)
def test_traversal_is_refused(server, path):
    status, _, body = get(server, path)
    assert status in (400, 404)
    assert "TOP SECRET" not in body and "<h1>首页</h1>" not in body


@pytest.mark.rule("SEC-01")
def test_only_files_of_the_served_release_are_served(server, front, tmp_path):
    live = Path(os.path.realpath(front.path / SITE))
    os.symlink(tmp_path / "secret.txt", live / "planted.html")  # an attacker's symlink
    (live / ".git").mkdir()
    (live / ".git" / "config").write_text("TOP SECRET")
    for path in ["/planted.html", "/.git/config", "/.htaccess"]:
        status, _, body = get(server, path, host=SITE)
        assert status == 404 and "TOP SECRET" not in body
    assert get(server, "/.well-known/security.txt", host=SITE)[0] == 200
    for host in ["..", ".releases", "secret.txt", "a/b", "[::1]"]:
        assert get(server, "/", host=host)[0] == 200  # the plain index, never a file
        assert "TOP SECRET" not in get(server, "/secret.txt", host=host)[2]


@pytest.mark.rule("SEC-01")
def test_only_get_and_head(server):
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"):
        status, headers, _ = get(server, "/", host=SITE, method=method, headers={"Content-Length": "0"})
        assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, headers, body = get(server, "/", host=SITE, method="HEAD")
    assert (status, body) == (200, "")
    assert headers["Content-Length"] == str(len(FILES["index.html"].encode()))


@pytest.mark.rule("SEC-01")
def test_security_headers(server):
    _, headers, _ = get(server, "/", host=SITE)
    assert headers["Content-Security-Policy"] == (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'; "
        "form-action 'self'; base-uri 'self'; object-src 'none'"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would be ignored
    assert headers["Server"] == "govsites-front"


def test_hsts_and_form_action_over_https(front):
    app = FrontApp(front.path, form_action_origin="https://zwfw.example.gov.cn")
    environ = {"HTTP_HOST": SITE, "PATH_INFO": "/", "wsgi.url_scheme": "https"}
    setup_testing_defaults(environ)
    captured = {}
    body = b"".join(app(environ, lambda status, headers: captured.update(status=status, headers=dict(headers))))
    assert captured["status"] == "200 OK" and body == FILES["index.html"].encode()
    assert captured["headers"]["Strict-Transport-Security"] == "max-age=31536000"
    assert "form-action 'self' https://zwfw.example.gov.cn;" in captured["headers"]["Content-Security-Policy"]
    with pytest.raises(ValueError):
        FrontApp(front.path, form_action_origin="https://x.gov.cn; script-src *")


def test_content_types_and_caching(server):
    cases = {
        "/assets/site.0123abcd.css": ("text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        "/images/logo.png": ("image/png", "public, max-age=86400"),
        "/files/7/%E9%80%9A%E7%9F%A5.pdf": ("application/pdf", "public, max-age=86400"),
        "/sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=60, must-revalidate"),
        "/": ("text/html; charset=utf-8", "public, max-age=60, must-revalidate"),
    }
    for path, (ctype, cache) in cases.items():
        status, headers, _ = get(server, path, host=SITE)
        assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, ctype, cache), path
    assert content_type("x/unknown.bin") == "application/octet-stream"
    assert cache_control("assets/site.css") == "public, max-age=86400"  # not hashed: not immutable


def test_conditional_requests(server):
    _, headers, _ = get(server, "/", host=SITE)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, headers304, body = get(server, "/", host=SITE, headers={"If-None-Match": etag})
    assert (status, body) == (304, "")
    assert headers304["ETag"] == etag and "Content-Security-Policy" in headers304
    assert get(server, "/", host=SITE, headers={"If-None-Match": f'W/"x", {etag}'})[0] == 304
    assert get(server, "/", host=SITE, headers={"If-Modified-Since": modified})[0] == 304
    assert get(server, "/", host=SITE, headers={"If-None-Match": '"other"'})[0] == 200
    old = formatdate(time.time() - 86400 * 365, usegmt=True)
    assert get(server, "/", host=SITE, headers={"If-Modified-Since": old})[0] == 200


def test_an_atomic_switch_is_seen_by_the_next_request(server, front):
    _, before, _ = get(server, "/", host=SITE)
    front.apply(SITE, 1, 2, front.store.writes({"index.html": "<h1>新首页</h1>"}), ["zwdt/202612/t20261204_42.html"])
    status, after, body = get(server, "/", host=SITE)
    assert (status, body) == (200, "<h1>新首页</h1>")
    assert after["ETag"] != before["ETag"]
    assert get(server, "/zwdt/202612/t20261204_42.html", host=SITE)[0] == 404
    assert get(server, "/zwdt/", host=SITE)[0] == 200


def test_front_serve_command(front, monkeypatch):
    """``govsites front_serve`` serves the folder it is given (the demo runs it on port 8001)."""
    from django.core.management import call_command

    from govsites.publishing import frontserver

    servers = []

    def capture(*args, **kwargs):
        servers.append(make_front_server(*args, **kwargs))
        return servers[-1]

    monkeypatch.setattr(frontserver, "make_front_server", capture)
    port = free_port()
    thread = threading.Thread(
        target=call_command, args=["front_serve", "--port", str(port), "--root", str(front.path), "--quiet"],
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not servers and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert get(port, f"/{SITE}/")[2] == "<h1>首页</h1>"
    finally:
        servers[0].shutdown()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_front_serve_defaults_to_the_local_target(settings, tmp_path):
    from govsites.publishing.management.commands.front_serve import default_root

    settings.GOVSITES_PUBLISHING = {"BUILD_DIR": tmp_path, "TARGETS": [
        {"name": "cdn", "kind": "s3", "bucket": "front-bucket"},
        {"name": "local", "kind": "local", "path": str(tmp_path / "front")},
    ]}
    assert default_root() == tmp_path / "front"
