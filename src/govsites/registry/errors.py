"""Errors the registry raises, each in Chinese and naming the rule that refused the request."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from govsites.actions import NotAllowed  # noqa: F401  (re-exported: registry callers import it here)


class RuleViolation(ValidationError):
    """A request breaks a numbered rule of ``requirements.md``; the message starts with the rule ID.

    ``field`` names the input at fault (for forms and the API), ``rule`` the rule ID.
    """

    def __init__(self, rule: str, message: str, field: str | None = None):
        self.rule = rule
        self.field = field
        text = f"【{rule}】{message}"
        if field:
            super().__init__({field: [ValidationError(text, code=rule)]})
        else:
            super().__init__(text, code=rule)
        self.text = text

    def __str__(self) -> str:
        return self.text


class ConflictError(Exception):
    """The object changed under the caller (e.g. another approver decided the step first)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def rule_of(error: ValidationError) -> str | None:
    """The first rule ID behind a (possibly aggregated) validation error, if any."""
    if isinstance(error, RuleViolation):
        return error.rule
    errors = [e for errs in error.error_dict.values() for e in errs] if hasattr(error, "error_dict") else [error]
    for item in errors:
        for leaf in getattr(item, "error_list", [item]):
            code = getattr(leaf, "code", None) or ""
            if len(code) == 6 and code[3] == "-" and code[:3].isalpha():
                return code
    return None


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    """Flatten a ValidationError into ``{field or "__all__": [messages]}`` for forms and JSON."""
    if hasattr(error, "error_dict"):
        return {field: [m for e in errs for m in e.messages] for field, errs in error.error_dict.items()}
    return {"__all__": list(error.messages)}
