"""Sniffing and decoding of response bodies (crawler.content)."""

import codecs

import pytest

from govsites.monitoring.crawler.content import (
    canonical_encoding,
    claims_html,
    decode,
    looks_binary,
    meta_charset,
    parse_content_type,
)

TEXT = "<html><head>{meta}<title>通知公告</title></head><body><p>关于做好政府网站年度报表工作的通知</p></body></html>"


def body(encoding, meta=""):
    return TEXT.format(meta=meta).encode(encoding)


def test_content_type_and_labels():
    assert parse_content_type('Text/HTML; Charset="GBK"') == ("text/html", "gbk")
    assert parse_content_type("") == ("", "")
    assert canonical_encoding("GB2312") == "gb18030"
    assert canonical_encoding("x-gbk") == "gb18030"
    assert canonical_encoding("cp936") == "gb18030"
    assert canonical_encoding("UTF8") == "utf-8"
    assert canonical_encoding("no-such-charset") is None


def test_meta_charset_forms():
    assert meta_charset(b'<head><meta charset="GB2312"></head>') == "gb2312"
    assert meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gbk" />') == "gbk"
    assert meta_charset(b"<p>charset=utf-8 in text, no meta</p>") == ""


@pytest.mark.parametrize(
    ("raw", "header", "encoding"),
    [
        (body("utf-8"), "utf-8", "utf-8"),
        (body("utf-8"), "", "utf-8"),
        (body("gbk"), "gbk", "gb18030"),
        (body("gbk", '<meta charset="gb2312">'), "", "gb18030"),
        (body("gbk", '<meta charset="gbk">'), "utf-8", "gb18030"),  # the header lies, the meta is right
        (body("gbk", '<meta charset="gbk">'), "iso-8859-1", "gb18030"),  # a server's default label
        (body("gbk"), "", "gb18030"),  # no label at all: detected
        (body("gbk"), "utf-8", "gb18030"),  # wrong label, no meta: detected
        (codecs.BOM_UTF8 + body("utf-8"), "gbk", "utf-8"),  # the byte-order mark wins
        (codecs.BOM_UTF16_LE + body("utf-16-le"), "", "utf-16-le"),
    ],
)
def test_decode(raw, header, encoding):
    text, used = decode(raw, header)
    assert "关于做好政府网站年度报表工作的通知" in text
    assert used == encoding


def test_a_stray_byte_does_not_throw_away_the_label():
    raw = body("utf-8").replace("年度".encode(), b"\xff")
    text, used = decode(raw, "utf-8")
    assert used == "utf-8"
    assert "政府网站" in text and "\ufffd" in text


def test_gb18030_characters_beyond_gbk_survive():
    raw = ("<p>𠀀 与 €</p>").encode("gb18030")
    text, used = decode(raw, "gb2312")
    assert text == "<p>𠀀 与 €</p>" and used == "gb18030"


def test_binary_sniffing():
    assert looks_binary(b"%PDF-1.7 ...")
    assert looks_binary(b"\x89PNG\r\n\x1a\n")
    assert looks_binary(b"PK\x03\x04 docx")
    assert looks_binary(b"\x00\x00\x00\x18ftypmp42")
    assert looks_binary(b"<html>\x00</html>")
    assert not looks_binary(codecs.BOM_UTF16_LE + "<html>".encode("utf-16-le"))
    assert not looks_binary(body("gbk"))


def test_what_claims_to_be_html():
    assert claims_html("text/html", "http://a.gov.cn/x")
    assert claims_html("application/octet-stream", "http://a.gov.cn/x/index.SHTML")
    assert not claims_html("application/pdf", "http://a.gov.cn/x.pdf")
    assert not claims_html("", "http://a.gov.cn/x.jsp")
