"""The challenge: stateless, signed, expiring, two ways to answer, cheap to verify."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from PIL import Image

from govsites import clock as govclock
from govsites.public import captcha


def test_either_answer_is_accepted_and_the_nonce_is_the_one_time_token(clock):
    challenge = captcha.issue()
    picture, number = captcha.picture_answer(challenge.token), captcha.solve_for_benchmark(challenge.token)
    assert len(picture) == 5 and set(picture) <= set(captcha.PICTURE_ALPHABET) and number.isdigit()
    assert captcha.verify(challenge.token, picture.lower()) == challenge.nonce
    assert captcha.verify(challenge.token, number) == challenge.nonce
    assert len(challenge.nonce) <= 64  # fits UsedToken.token
    with pytest.raises(captcha.ChallengeError, match="验证码不正确"):
        captcha.verify(challenge.token, "ZZZZZ")


def test_the_text_question_is_chinese_and_its_answer_is_right(clock):
    seen = set()
    for _ in range(60):
        challenge = captcha.issue()
        question = challenge.question
        assert question.endswith("等于几？请填写阿拉伯数字。") and not any(c.isdigit() for c in question)
        expression = question.split("等于几")[0]
        seen.add(next(op for op in ("加", "减", "乘以") if op in expression))
        assert captcha.question_of(challenge.token) == question
        assert int(captcha.solve_for_benchmark(challenge.token)) >= 0
    assert seen == {"加", "减", "乘以"}


@pytest.mark.parametrize("n, text", [(0, "零"), (7, "七"), (10, "十"), (13, "十三"), (20, "二十"), (45, "四十五")])
def test_chinese_numbers(n, text):
    assert captcha.chinese_number(n) == text


def test_expiry_follows_the_platform_clock(clock, settings):
    challenge = captcha.issue()
    answer = captcha.solve_for_benchmark(challenge.token)
    clock.set(govclock.now() + dt.timedelta(seconds=599))
    assert captcha.verify(challenge.token, answer)
    clock.set(govclock.now() + dt.timedelta(seconds=2))
    with pytest.raises(captcha.ChallengeError) as refused:
        captcha.verify(challenge.token, answer)
    assert refused.value.expired


def test_a_token_signed_with_another_key_or_edited_is_refused(clock, settings):
    challenge = captcha.issue()
    nonce, rest = challenge.token.split(".", 1)
    with pytest.raises(captcha.ChallengeError, match="验证码无效"):
        captcha.verify(f"{nonce[:-1]}{'A' if nonce[-1] != 'A' else 'B'}.{rest}", "1")
    settings.SECRET_KEY = "another-secret-key-" * 3
    with pytest.raises(captcha.ChallengeError, match="验证码无效"):
        captcha.verify(challenge.token, "1")


def test_the_picture_is_a_distorted_png_of_the_right_size(clock):
    token = captcha.issue().token
    image = Image.open(io.BytesIO(captcha.render_png(token)))
    assert image.format == "PNG" and image.size == (captcha.WIDTH, captcha.HEIGHT)
    assert sum(1 for n in image.convert("L").histogram() if n) > 20  # noise and glyphs, not a flat picture
    assert captcha.render_png(token) == captcha.render_png(token)


def test_verification_is_cheap_and_touches_no_database(clock):
    """No ``db`` fixture: pytest-django refuses any query, so passing proves there is none."""
    tokens = [(c.token, captcha.solve_for_benchmark(c.token)) for c in (captcha.issue() for _ in range(500))]
    started = time.perf_counter()
    for token, answer in tokens:
        captcha.verify(token, answer)
    assert (time.perf_counter() - started) / len(tokens) < 0.002
