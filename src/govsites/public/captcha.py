"""A challenge without third-party services: a distorted picture and a Chinese text question.

A challenge is a signed token ``<nonce>.<issued>:<signature>`` (``django.core.signing`` with its
own salt). Nothing is stored: both answers are derived from the nonce with an HMAC under the
secret key, so the server can draw the picture and check an answer from the token alone —
verification is one signature check and one HMAC, no database read. Either answer is accepted:
the five characters of the picture, or the number answering the text question (the accessible
alternative, read out by a screen reader). The nonce is also the form's one-time token: the
submission spends it (``spend_token``), so a replayed form is refused.

A token expires ``GOVSITES_PUBLIC["CHALLENGE_MAX_AGE"]`` seconds (default 600) after it was issued.
Benchmarks and load tests that hold the secret key use :func:`solve_for_benchmark`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import random
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

from govsites import clock

from . import conf

SALT = "govsites.public.challenge"
#: letters and digits that cannot be mistaken for each other in the picture
PICTURE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
PICTURE_LENGTH = 5
DIGITS = "零一二三四五六七八九"
WIDTH, HEIGHT = 180, 64


class ChallengeError(Exception):
    """A refused challenge, with the Chinese sentence for the citizen; ``expired`` when only the
    time ran out (the form is shown again with a new challenge)."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.message = message
        self.expired = expired


@dataclass(frozen=True)
class Challenge:
    token: str
    #: the accessible alternative, e.g. "九加四等于几？请填写阿拉伯数字。"
    question: str

    @property
    def nonce(self) -> str:
        return self.token.split(".", 1)[0]


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def _secret_bytes(nonce: str) -> bytes:
    key = hashlib.sha256(f"{SALT}.answers{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, nonce.encode(), hashlib.sha256).digest()


def chinese_number(n: int) -> str:
    """0–99 in Chinese numerals (十三, 二十, 四十五)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _question(nonce: str) -> tuple[str, str]:
    """The text question of a nonce and its answer (digits)."""
    d = _secret_bytes(nonce)
    kind = d[8] % 3
    if kind == 0:
        a, b = 1 + d[9] % 9, 1 + d[10] % 9
        text, answer = f"{chinese_number(a)}加{chinese_number(b)}等于几", a + b
    elif kind == 1:
        a = 10 + d[9] % 10
        b = 1 + d[10] % 9
        text, answer = f"{chinese_number(a)}减{chinese_number(b)}等于几", a - b
    else:
        a, b = 2 + d[9] % 8, 2 + d[10] % 4
        text, answer = f"{chinese_number(a)}乘以{chinese_number(b)}等于几", a * b
    return f"{text}？请填写阿拉伯数字。", str(answer)


def _picture_code(nonce: str) -> str:
    d = _secret_bytes(nonce)
    return "".join(PICTURE_ALPHABET[b % len(PICTURE_ALPHABET)] for b in d[:PICTURE_LENGTH])


def issue() -> Challenge:
    """A new challenge (nothing is stored)."""
    nonce = secrets.token_urlsafe(16)
    issued = int(clock.now().timestamp())
    token = _signer().sign(f"{nonce}.{issued:x}")
    return Challenge(token=token, question=_question(nonce)[0])


def _open(token: str) -> tuple[str, int]:
    """``(nonce, issued)`` of an authentic token, or :class:`ChallengeError`."""
    try:
        value = _signer().unsign((token or "").strip()[:200])
        nonce, issued = value.split(".", 1)
        return nonce, int(issued, 16)
    except (signing.BadSignature, ValueError):
        raise ChallengeError("验证码无效，请刷新页面后重新填写。") from None


def question_of(token: str) -> str:
    nonce, _issued = _open(token)
    return _question(nonce)[0]


def normalise(answer: str) -> str:
    """Full-width digits and letters folded, spaces dropped, upper case."""
    return "".join(unicodedata.normalize("NFKC", answer or "").split()).upper()[:20]


def verify(token: str, answer: str) -> str:
    """Check a token and its answer; return the nonce (the form's one-time token)."""
    nonce, issued = _open(token)
    if int(clock.now().timestamp()) - issued > int(conf.get("CHALLENGE_MAX_AGE")):
        raise ChallengeError("验证码已过期，请重新输入新的验证码。", expired=True)
    given = normalise(answer)
    if not given:
        raise ChallengeError("请输入图片中的字符，或回答文字问题。")
    if not (constant_time_compare(given, _picture_code(nonce)) or constant_time_compare(given, _question(nonce)[1])):
        raise ChallengeError("验证码不正确，请重新输入。")
    return nonce


def solve_for_benchmark(token: str) -> str:
    """The answer to a token's text question. Needs the server's secret key (run it inside the
    deployment's settings): for benchmarks and load tests only, never exposed over HTTP."""
    nonce, _issued = _open(token)
    return _question(nonce)[1]


def picture_answer(token: str) -> str:
    """The characters of a token's picture (tests, and the same secret-key caveat)."""
    nonce, _issued = _open(token)
    return _picture_code(nonce)


# -- the picture ------------------------------------------------------------------------------

def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def render_png(token: str) -> bytes:
    """The distorted picture of a token's code: rotated glyphs at jittered places, crossing lines
    and speckle. Deterministic per token (a reload shows the same picture)."""
    from PIL import Image, ImageDraw, ImageFilter

    nonce, _issued = _open(token)
    code = _picture_code(nonce)
    rng = random.Random(_secret_bytes(nonce)[16:])  # noqa: S311 - layout jitter, not a secret
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line([(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _ in range(2)],
                  fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)), width=1)
    step = (WIDTH - 20) // PICTURE_LENGTH
    for i, char in enumerate(code):
        size = rng.randint(34, 42)
        glyph = Image.new("RGBA", (size + 12, size + 12), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 0), char, font=_font(size),
                                   fill=(rng.randint(10, 90), rng.randint(10, 90), rng.randint(60, 140), 255))
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.BICUBIC, expand=True)
        x = 10 + i * step + rng.randint(-3, 3)
        y = (HEIGHT - glyph.height) // 2 + rng.randint(-5, 5)
        image.paste(glyph, (x, y), glyph)
    for _ in range(2):
        points = [(x, HEIGHT / 2 + rng.uniform(-18, 18)) for x in range(0, WIDTH + 1, 30)]
        draw.line(points, fill=(70, 70, 110), width=2)
    for _ in range(260):
        draw.point((rng.randrange(WIDTH), rng.randrange(HEIGHT)),
                   fill=(rng.randint(80, 220), rng.randint(80, 220), rng.randint(80, 220)))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
