"""Field encryption and blind indexes for personal data, on ``cryptography``'s AES-GCM.

Why a small module of our own rather than django-fernet-encrypted-fields and the like:

- **Keys apart from SECRET_KEY.** Those packages derive their key from ``SECRET_KEY`` (rotating
  the session secret would then make every citizen's data unreadable, and anyone holding the
  Django secret holds the data). Ours come from ``GOVSITES_PII_KEYS`` only.
- **Key ids for rotation.** Every value names the key it was sealed with
  (``pii1$<key id>$<nonce+ciphertext>``): reading picks the key directly, ``pii_rotate_keys``
  knows exactly which rows still need re-encrypting, and a value whose key was removed fails with
  a clear message instead of MultiFernet's "try every key" and a bare ``InvalidToken``.
- **Blind indexes.** Looking up "every record of this phone number" without decrypting needs a
  keyed HMAC of the normalised value with a key of its own (``GOVSITES_PII_INDEX_KEY``).
- **Masking.** Fields have a kind that decides normalisation, validation and masking
  (``masking.py``); models hand out masked values by default.

AES-256-GCM authenticates the key id and the kind of data as associated data, so a value cannot be
moved to another key's slot or from a "name" column into a "phone" column undetected.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import masking

PREFIX = "pii1"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class PersonalDataKeyError(ImproperlyConfigured):
    """The keys are missing or malformed, or a value names a key that is no longer configured."""


class CorruptValue(ValueError):
    """A stored value is not a sealed value of ours, or fails authentication."""


def _b64decode(text: str) -> bytes:
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(str(exc)) from exc


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def new_key() -> str:
    """A fresh key in the ``id:base64`` form of ``GOVSITES_PII_KEYS``."""
    return f"k{os.urandom(4).hex()}:{_b64encode(os.urandom(KEY_BYTES))}"


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # key id → key, in configuration order
    current: str

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise PersonalDataKeyError(
                f"个人信息密钥“{key_id}”不在 GOVSITES_PII_KEYS 中，无法解密用它加密的数据。"
                "请把该密钥重新加入 GOVSITES_PII_KEYS（可放在当前密钥之后），"
                "运行 pii_rotate_keys 完成轮换后再移除。"
            ) from None


def parse_keys(raw: str, name: str = "GOVSITES_PII_KEYS") -> Keyring:
    """``"id:base64key,id:base64key"`` (commas or new lines; the first is the current key)."""
    entries = [entry.strip() for entry in re.split(r"[,\n]", raw or "") if entry.strip()]
    if not entries:
        raise PersonalDataKeyError(f"未配置个人信息加密密钥 {name}（格式：密钥编号:Base64密钥，多个用逗号分隔）。")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise PersonalDataKeyError(f"{name} 中的密钥须写成“密钥编号:Base64密钥”，密钥编号只能含字母、数字、._-。")
        if key_id in keys:
            raise PersonalDataKeyError(f"{name} 中的密钥编号“{key_id}”重复。")
        try:
            key = _b64decode(encoded)
        except ValueError:
            raise PersonalDataKeyError(f"{name} 中密钥“{key_id}”不是有效的Base64编码。") from None
        if len(key) != KEY_BYTES:
            raise PersonalDataKeyError(f"{name} 中密钥“{key_id}”须为{KEY_BYTES}字节（现为{len(key)}字节）。")
        keys[key_id] = key
    return Keyring(keys=keys, current=next(iter(keys)))


@functools.lru_cache(maxsize=8)
def _keyring(raw: str) -> Keyring:
    return parse_keys(raw)


def keyring() -> Keyring:
    """The configured keys (re-read when the setting changes, e.g. in tests)."""
    return _keyring(getattr(settings, "GOVSITES_PII_KEYS", "") or "")


@functools.lru_cache(maxsize=8)
def _index_key(raw: str) -> bytes:
    raw = (raw or "").strip()
    if not raw:
        raise PersonalDataKeyError("未配置个人信息盲索引密钥 GOVSITES_PII_INDEX_KEY。")
    first = re.split(r"[,\n]", raw)[0].strip()
    _id, sep, encoded = first.partition(":")
    try:
        key = _b64decode(encoded if sep else first)
    except ValueError:
        raise PersonalDataKeyError("GOVSITES_PII_INDEX_KEY 不是有效的Base64编码。") from None
    if len(key) < KEY_BYTES:
        raise PersonalDataKeyError(f"GOVSITES_PII_INDEX_KEY 至少须为{KEY_BYTES}字节。")
    return key


def index_key() -> bytes:
    return _index_key(getattr(settings, "GOVSITES_PII_INDEX_KEY", "") or "")


def _aad(key_id: str, kind: str) -> bytes:
    return f"govsites-pii/{PREFIX}/{key_id}/{kind}".encode()


def encrypt(kind: str, plain: str) -> str:
    """Seal ``plain`` with the current key."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.current)).encrypt(nonce, plain.encode("utf-8"), _aad(ring.current, kind))
    return f"{PREFIX}${ring.current}${_b64encode(nonce + sealed)}"


def key_id_of(token: str) -> str:
    parts = token.split("$")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise CorruptValue("数据库中的个人信息不是本系统的加密格式。")
    return parts[1]


def decrypt(kind: str, token: str) -> str:
    key_id = key_id_of(token)
    key = keyring().key(key_id)
    try:
        raw = _b64decode(token.split("$")[2])
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(key_id, kind)).decode("utf-8")
    except (ValueError, InvalidTag):
        raise CorruptValue(f"个人信息密文已损坏或被篡改（密钥“{key_id}”无法验证）。") from None


def blind_index(kind: str, value) -> str:
    """HMAC-SHA256 of the normalised value ("" for an empty one): equal values, equal digests."""
    plain = masking.normalise(kind, masking.reveal(value))
    if not plain:
        return ""
    return hmac.new(index_key(), f"{kind}:{plain}".encode(), hashlib.sha256).hexdigest()
