"""The public service under test: its URLconf and middleware stack inside the test settings."""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

import pytest

from govsites.interaction.models import ChannelKind
from govsites.public import captcha, conf
from tests.interaction.estate import interaction_estate

_phones = itertools.count(13800000001)


@pytest.fixture
def public(settings):
    """Serve ``govsites.public.urls`` with the public service's own middleware stack."""
    settings.ROOT_URLCONF = "govsites.public.urls"
    settings.MIDDLEWARE = list(conf.MIDDLEWARE)
    settings.DEBUG = False
    return settings


@pytest.fixture
def e(db, clock):
    return interaction_estate()


@pytest.fixture
def channel(e):
    return e.channels[ChannelKind.CONSULTATION]


def solved(picture: bool = False) -> dict:
    """A fresh challenge token with its answer (the text question's, or the picture's)."""
    challenge = captcha.issue()
    answer = captcha.picture_answer(challenge.token) if picture else captcha.solve_for_benchmark(challenge.token)
    return {"token": challenge.token, "answer": answer}


def message_fields(channel, **overrides) -> dict:
    fields = {
        "channel": str(channel.pk), "title": "关于溪口河段整治的咨询", "body": "请问溪口河段的整治工程何时开工？",
        "name": "张三", "phone": str(next(_phones)), "email": "", "address": "", "website": "",
        **solved(),
    }
    fields.update(overrides)
    return fields


def form_post(client, path, data, **extra):
    """POST as a browser posts a form (the test client would send multipart)."""
    return client.post(path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded", **extra)


def submit(client, channel, *, remote="10.1.0.1", **overrides):
    return form_post(client, "/messages/", message_fields(channel, **overrides), REMOTE_ADDR=remote)
