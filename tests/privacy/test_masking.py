import json

import pytest
from django.core.exceptions import ValidationError

from govsites.privacy import masking
from govsites.privacy.fields import validate


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("name", "张三", "张**"),
        ("name", "张三丰", "张**"),
        ("name", "欧阳修", "欧阳**"),
        ("name", "欧阳明华", "欧阳**"),
        ("name", "司马", "司**"),  # a two-character name is not a compound surname alone
        ("phone", "13812345678", "138****5678"),
        ("phone", "138 1234 5678", "138****5678"),
        ("phone", "+86 138-1234-5678", "138****5678"),
        ("phone", "0351-1234567", "035****4567"),
        ("id_number", "99010219850314123x", "990***********123X"),
        ("email", "Zhang.San@Example.com", "z***@example.com"),
        ("address", "澜川省青岚市溪口县桃源镇柳树街88号", "澜川省青岚市****"),
        ("address", "北京", "北京****"),
        ("phone", "", ""),
        ("name", None, ""),
    ],
)
def test_masks(kind, value, masked):
    assert masking.mask(kind, value) == masked


def test_mask_never_empty_for_a_value():
    for kind in masking.KINDS:
        assert masking.mask(kind, "1")


@pytest.mark.parametrize(
    ("kind", "raw", "normal"),
    [
        ("phone", " 139-1234 5678 ", "13912345678"),
        ("phone", "0086 13912345678", "13912345678"),
        ("id_number", "990102 19850314 123x", "99010219850314123X"),
        ("email", " Li@Example.COM ", "li@example.com"),
        ("name", " 张  三 ", "张 三"),
    ],
)
def test_normalise(kind, raw, normal):
    assert masking.normalise(kind, raw) == normal


def test_id_number_checksum_and_date():
    validate("id_number", "99010219850314123X")
    validate("id_number", "99010219850314123x")
    with pytest.raises(ValidationError, match="校验位"):
        validate("id_number", "990102198503141230")
    with pytest.raises(ValidationError, match="18位"):
        validate("id_number", "9901021985031412")
    with pytest.raises(ValidationError, match="出生日期"):
        validate("id_number", "990102198502301234")


def test_phone_and_email_validation():
    validate("phone", "13912345678")
    validate("phone", "0351-1234567")
    for bad in ("12912345678", "1391234567", "abc"):
        with pytest.raises(ValidationError, match="手机号码"):
            validate("phone", bad)
    with pytest.raises(ValidationError, match="电子邮箱"):
        validate("email", "not-an-address")


def test_sealed_value_is_its_mask_everywhere():
    sealed = masking.SealedValue("phone", "13912345678")
    assert str(sealed) == "139****5678"
    assert f"{sealed}" == "139****5678"
    assert json.dumps({"v": sealed}) == '{"v": "139****5678"}'
    assert "13912345678" not in repr(sealed)
    assert sealed.reveal() == "13912345678"
    assert masking.mask("phone", sealed) == "139****5678"


def test_redact_text():
    text = ("来电13912345678，另 +86 139-1234-5678；身份证 99010219850314123X；邮件 ouyang@example.com。"
            "订单号 20260302123456789012 与时间戳 1767225600 不变")
    redacted = masking.redact_text(text)
    assert "13912345678" not in redacted and "1234-5678" not in redacted
    assert "99010219850314123X" not in redacted and "990***********123X" in redacted
    assert "ouyang@example.com" not in redacted and "o***@example.com" in redacted
    assert "20260302123456789012" in redacted and "1767225600" in redacted
