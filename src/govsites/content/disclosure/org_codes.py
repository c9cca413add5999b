"""Issuing-body codes used in 索引号: the 18-char 统一社会信用代码 and the 9-char 组织机构代码.

Both carry a check character, so a typo in an index number's organisation part is caught before
the number is published: GB 32100—2015 (weights 3^(i-1) mod 31 over a 31-character set without
I O Z S V) and GB 11714—1997 (weights 3 7 9 10 5 8 4 2, mod 11, 10 → X). Characters 9–17 of a
USCC are the body's organisation code, so its own GB 11714 check character is verified too.
"""

from __future__ import annotations

import re

from .errors import DisclosureError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_EXAMPLE = "11441700007280420Y"
ORG_CODE_EXAMPLE = "000014349"
_ORG_CODE_BODY = re.compile(r"^[0-9A-Z]{8}$")
_DIVISION = re.compile(r"^\d{6}$")


def uscc_check_char(first17: str) -> str:
    """GB 32100: 31 − (Σ value × weight mod 31), where 31 maps to 0."""
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714: 11 − (Σ value × weight mod 11); 10 is written X and 11 is written 0."""
    total = sum(int(char, 36) * weight for char, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_uscc(value: str) -> str:
    """The canonical (upper-case) code, or a Chinese error saying what is wrong."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise DisclosureError(f"统一社会信用代码应为18位，“{value}”为{len(code)}位。", kind="uscc_length")
    illegal = sorted({char for char in code if char not in USCC_CHARSET})
    if illegal:
        shown = "、".join(f"“{char}”" for char in illegal)
        raise DisclosureError(
            f"统一社会信用代码只用数字和除I、O、Z、S、V以外的大写字母，“{value}”含有{shown}。",
            kind="uscc_charset",
        )
    if not _DIVISION.match(code[2:8]):
        raise DisclosureError(
            f"统一社会信用代码第3—8位应为登记管理机关的6位行政区划代码，“{value}”不符合。",
            kind="uscc_division",
        )
    if org_code_check_char(code[8:16]) != code[16]:
        raise DisclosureError(
            f"统一社会信用代码“{value}”第9—17位（组织机构代码）的校验码不正确，请核对是否录错。",
            kind="uscc_org_check",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise DisclosureError(
            f"统一社会信用代码“{value}”的校验码（第18位）不正确，请核对是否录错。", kind="uscc_check"
        )
    return code


def validate_org_code(value: str) -> str:
    """A 9-char organisation code; the printed form ``00001434-9`` is accepted and compacted."""
    raw = (value or "").strip().upper()
    code = raw[:8] + raw[9:] if len(raw) == 10 and raw[8] == "-" else raw
    if len(code) != 9 or not _ORG_CODE_BODY.match(code[:8]) or code[8] not in "0123456789X":
        raise DisclosureError(
            f"组织机构代码应为8位数字或大写字母加1位校验码（如“{ORG_CODE_EXAMPLE}”），“{value}”不符合。",
            kind="org_code_format",
        )
    if org_code_check_char(code[:8]) != code[8]:
        raise DisclosureError(f"组织机构代码“{value}”的校验码不正确，请核对是否录错。", kind="org_code_check")
    return code


def validate_org(value: str) -> str:
    """An issuing body's code as used in index numbers: a USCC or an organisation code."""
    code = (value or "").strip()
    if len(code) == 18:
        return validate_uscc(code)
    if len(code) in (9, 10):
        return validate_org_code(code)
    raise DisclosureError(
        f"发文机关代码应为18位统一社会信用代码（如“{USCC_EXAMPLE}”）或9位组织机构代码（如“{ORG_CODE_EXAMPLE}”），"
        f"“{value}”为{len(code)}位。",
        kind="org_length",
    )
