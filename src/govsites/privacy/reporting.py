"""Django's error reports (the debug page, the admin e-mails) without personal data or keys."""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

from .masking import redact_text

#: POST fields whose names say they carry personal data
PERSONAL_POST_FIELD = re.compile(
    r"(^|_)(name|real_?name|full_?name|phone|mobile|tel|telephone|id_?number|id_?card|identity|"
    r"address|addr|email|e_?mail|contact)(_|$)|姓名|电话|手机|身份证|地址|邮箱",
    flags=re.IGNORECASE,
)


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|PII|AUDIT_HMAC|DATABASE_URL", flags=re.IGNORECASE
    )

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None or not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            if PERSONAL_POST_FIELD.search(key):
                cleansed[key] = self.cleansed_substitute
            else:
                cleansed.setlist(key, [redact_text(v) if isinstance(v, str) else v for v in cleansed.getlist(key)])
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, redact_text(value) if isinstance(value, str) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
