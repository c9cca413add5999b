"""The one error type of the disclosure-metadata checks (CON-10).

It is a Django ``ValidationError`` so forms, the API and :func:`metadata.validate_metadata` can
collect it unchanged; the message is Chinese and starts with the rule ID like the registry's
messages. ``kind`` says which check failed (for code and tests, never shown), ``suggestion``
carries a corrected value when one can be derived from the input.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

RULE = "CON-10"


class DisclosureError(ValidationError):
    """A disclosure-metadata value is malformed; ``str(error)`` is the Chinese message."""

    def __init__(self, message: str, *, kind: str, suggestion: str | None = None, issues: tuple = ()):
        self.detail = message
        self.text = f"【{RULE}】{message}"
        self.kind = kind
        self.rule = RULE
        self.suggestion = suggestion
        self.issues = issues
        super().__init__(self.text, code=RULE)

    def __str__(self) -> str:
        return self.text


class ErrorCollector:
    """Gathers errors per field so one submission reports every problem at once."""

    def __init__(self):
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError) -> None:
        self.errors.setdefault(field, []).append(error)

    def run(self, field: str, check, *args, **kwargs):
        """``check(*args, **kwargs)``, or None after recording its error (a field dict is merged)."""
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    self.errors.setdefault(name, []).extend(errors)
            else:
                self.add(field, error)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
