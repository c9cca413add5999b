"""The kinds of personal data, and how each is normalised, validated and masked.

Pure Python (no models, no settings): the logging filter and the exception reporter import it
while Django is still configuring itself.
"""

from __future__ import annotations

import datetime as dt
import re

NAME = "name"
PHONE = "phone"
ID_NUMBER = "id_number"
ADDRESS = "address"
EMAIL = "email"
KINDS = (NAME, PHONE, ID_NUMBER, ADDRESS, EMAIL)

KIND_LABELS = {NAME: "姓名", PHONE: "联系电话", ID_NUMBER: "身份证号码", ADDRESS: "地址", EMAIL: "电子邮箱"}

# Two-character surnames keep both characters when masked (欧阳** rather than 欧***).
COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 "
    "公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 "
    "壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 "
    "公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 "
    "子书 子桑 即墨 达奚 褚师 吴铭".split()
)

_SEPARATORS = re.compile(r"[\s\-‐‑–—()（）]+")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{9,11}$")  # area code (3–4 digits with the 0) + 7–8 digits
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# -- normalisation: one spelling per value, so the blind index finds it -------------------------


def normalise(kind: str, value: str | None) -> str:
    if value is None:
        return ""
    value = str(value).strip()
    if kind == PHONE:
        value = _SEPARATORS.sub("", value)
        for prefix in ("+86", "0086"):
            if value.startswith(prefix) and len(value) - len(prefix) == 11:
                value = value[len(prefix) :]
        return value
    if kind == ID_NUMBER:
        return _SEPARATORS.sub("", value).upper()
    if kind == EMAIL:
        return value.lower()
    if kind == NAME:
        return " ".join(value.split())
    return value


# -- validation: Chinese messages, no stack traces ----------------------------------------------


def id_number_error(value: str) -> str | None:
    """The reason an (already normalised) resident ID number is invalid, or None."""
    if not ID_SHAPE.match(value):
        return "身份证号码应为18位：前17位为数字，最后一位为数字或X。"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不正确。"
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        return "身份证号码校验位不正确，请核对后重新输入。"
    return None


def phone_error(value: str) -> str | None:
    if MOBILE.match(value) or LANDLINE.match(value):
        return None
    return "请输入正确的手机号码（11位，以1开头）或带区号的固定电话号码。"


# -- masking ------------------------------------------------------------------------------------


def mask(kind: str, value: str | None) -> str:
    """What a person without the need to know sees: never the whole value, never empty for a
    non-empty value (an empty mask would read as "no data")."""
    if value is None:
        return ""
    if isinstance(value, SealedValue):
        return str.__str__(value)  # already its own mask
    value = normalise(kind, value)
    if not value:
        return ""
    if kind == NAME:
        surname = value[:2] if value[:2] in COMPOUND_SURNAMES and len(value) > 2 else value[:1]
        return f"{surname}**"
    if kind == PHONE:
        if len(value) >= 11:
            return f"{value[:3]}****{value[-4:]}"
        if len(value) >= 7:
            return f"{value[:2]}****{value[-2:]}"
        return "****"
    if kind == ID_NUMBER:
        if len(value) >= 15:
            return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
        return "*" * max(len(value), 4)
    if kind == EMAIL:
        local, at, domain = value.partition("@")
        if not at:
            return f"{value[:1]}***"
        return f"{local[:1]}***@{domain}"
    if kind == ADDRESS:
        return f"{value[:6]}****"
    return "****"


# -- free text (logs, error reports) ------------------------------------------------------------

# Boundaries by look-around (not \b, which treats Chinese characters as word characters).
_TEXT_ID = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
_TEXT_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9A-Za-z])")
_TEXT_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def redact_text(text: str) -> str:
    """``text`` with every mobile number, resident ID number and e-mail address masked."""
    if not text or not isinstance(text, str):
        return text
    text = _TEXT_ID.sub(lambda m: mask(ID_NUMBER, m.group()), text)
    text = _TEXT_MOBILE.sub(lambda m: mask(PHONE, m.group()), text)
    return _TEXT_EMAIL.sub(lambda m: mask(EMAIL, m.group()), text)


class SealedValue(str):
    """A decrypted value as models hand it out: it *is* its mask (templates, ``str()``, JSON,
    logs and form initials all see ``138****5678``), and only :meth:`reveal` gives the plain
    value — which the unmasking action does, with a reason and an audit entry."""

    def __new__(cls, kind: str, plain: str):
        sealed = super().__new__(cls, mask(kind, plain))
        sealed._plain = plain
        sealed.kind = kind
        return sealed

    def reveal(self) -> str:
        return self._plain

    def __reduce__(self):
        return (SealedValue, (self.kind, self._plain))


def reveal(value) -> str:
    """The plain value behind ``value`` (a :class:`SealedValue` or already plain)."""
    if isinstance(value, SealedValue):
        return value.reveal()
    return "" if value is None else str(value)
