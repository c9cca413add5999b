import logging
import logging.config
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from govsites.privacy.logging import RedactPersonalData, redact_record
from govsites.privacy.reporting import PersonalDataExceptionReporterFilter

from .data import EMAIL, ID_NUMBER, PHONE

PLAIN = (PHONE, ID_NUMBER, EMAIL)


def test_filter_masks_message_args_and_traceback():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "citizen %s / %s / %s", PLAIN, None)
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert RedactPersonalData().filter(record) is True
    text = logging.Formatter().format(record)
    for value in PLAIN:
        assert value not in text
    assert "139****5678" in text and "990***********123X" in text and "o***@example.com" in text


def test_redacting_twice_changes_nothing():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s", (PHONE,), None)
    redact_record(record)
    assert redact_record(record).getMessage() == "call 139****5678"


def test_settings_install_the_filter_and_the_error_report_filter():
    assert "redact_personal_data" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("PersonalDataExceptionReporterFilter")


def test_error_reports_hide_personal_post_fields_and_keys(settings):
    import base64

    # built at run time and kept in no local variable: neither in the shown source nor frame variables
    settings.GOVSITES_PII_KEYS = "k1:" + base64.b64encode(bytes(range(32))).decode()
    request = RequestFactory().post("/x/", {"phone": PHONE, "contact_name": "张三", "title": f"请回电 {PHONE}",
                                            "page": "3"})
    reporter_filter = PersonalDataExceptionReporterFilter()
    post = reporter_filter.get_post_parameters(request)
    assert post["phone"] == reporter_filter.cleansed_substitute
    assert post["contact_name"] == reporter_filter.cleansed_substitute
    assert post["title"] == "请回电 139****5678" and post["page"] == "3"
    safe = reporter_filter.get_safe_settings()
    for name in ("GOVSITES_PII_KEYS", "GOVSITES_PII_INDEX_KEY", "GOVSITES_AUDIT_KEY", "SECRET_KEY"):
        if name in safe:
            assert safe[name] == reporter_filter.cleansed_substitute, name
    try:
        citizen = PHONE  # noqa: F841  (a local variable the traceback shows)
        raise RuntimeError("boom")
    except RuntimeError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    assert PHONE not in html
    assert settings.GOVSITES_PII_KEYS.partition(":")[2] not in html


@pytest.mark.parametrize("level", [logging.WARNING, logging.ERROR])
def test_caplog_sees_masked_values(caplog, level):
    logger = logging.getLogger("govsites.test.privacy")
    with caplog.at_level(logging.WARNING):
        logger.log(level, "回电 %s，身份证 %s，邮箱 %s", *PLAIN)
    assert caplog.records
    for value in PLAIN:
        assert value not in caplog.text
    assert "139****5678" in caplog.text
