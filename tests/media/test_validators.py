"""The upload checks on their own (the API and imports will call them without a multipart form,
so the name checks Django's parser already does for browsers must hold here too)."""

import pytest
from django.core.exceptions import ValidationError

from govsites.media.validators import check_filename, validate_document_upload, validate_image_upload
from tests.media import helpers as h


@pytest.mark.parametrize("name", [
    "../公报.pdf", "a/b.pdf", "a\\b.pdf", "公报\u202efdp.exe", "公报\x00.pdf", "公报\u200b.pdf", ".pdf", "..", "公报.pdf ",
    " 公报.pdf", "公报.", "长" * 121,
])
def test_tricky_names_are_refused(name):
    with pytest.raises(ValidationError):
        check_filename(name)


@pytest.mark.parametrize("name", ["公报.pdf", "2026年第一季度统计公报（终稿）.docx", "a.b.c.xlsx", "README"])
def test_ordinary_names_pass(name):
    assert check_filename(name) == name


def test_document_checks_run_without_a_form():
    assert validate_document_upload(h.upload("通知.docx", h.docx())) == "docx"
    with pytest.raises(ValidationError, match="不符"):
        validate_document_upload(h.upload("通知.docx", h.HTML))
    with pytest.raises(ValidationError, match="宏代码"):
        validate_document_upload(h.upload("通知.docx", h.docx(**{"word/vbaProject.bin": b"x"})))


def test_markup_split_across_read_chunks_is_found(monkeypatch):
    from govsites.media import validators

    monkeypatch.setattr(validators, "CHUNK", 16)
    data = h.png_with_text_chunk(b"xxxxxxxxxxxxx<scr" + b"ipt>alert(1)</script>")
    with pytest.raises(ValidationError, match="脚本"):
        validate_image_upload(h.upload("a.png", data))
    validate_image_upload(h.upload("a.png", h.png()))
