"""Personal data never reaches a log: mobile numbers, resident ID numbers and e-mail addresses
are masked in log messages, their arguments and formatted tracebacks.

Two layers, because each alone has a gap:

- :class:`RedactPersonalData`, a ``logging.Filter`` on the handlers (``LOGGING`` in settings):
  covers records however they were created;
- :func:`install_record_factory` (called when the app is ready): redacts every record when it is
  created, so handlers configured elsewhere — a library's own, a test's capture — get it masked too.
"""

from __future__ import annotations

import logging

from .masking import redact_text

_DONE = "_govsites_redacted"


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, _DONE, False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: leave it to the handler's own error path
        message = None
    if message is not None:
        redacted = redact_text(message)
        if redacted != message or record.args:
            # Freeze the formatted, redacted text: arguments can no longer bring values back.
            record.msg, record.args = redacted, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    setattr(record, _DONE, True)
    return record


class RedactPersonalData(logging.Filter):
    """Mask personal data in each record; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_record_factory() -> None:
    """Wrap the current log record factory (once) so every new record is redacted."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_govsites_redacting", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        # Only the message and arguments are known here; exc_text is redacted by the filter.
        try:
            message = record.getMessage()
        except Exception:
            return record
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return record

    factory._govsites_redacting = True
    logging.setLogRecordFactory(factory)
