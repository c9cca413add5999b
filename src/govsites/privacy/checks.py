"""Startup check: the personal-data keys are configured and well formed."""

from django.core import checks

from . import crypto


@checks.register(checks.Tags.security)
def pii_keys(app_configs, **kwargs):
    errors = []
    for name, load in (("GOVSITES_PII_KEYS", crypto.keyring), ("GOVSITES_PII_INDEX_KEY", crypto.index_key)):
        try:
            load()
        except crypto.PersonalDataKeyError as error:
            errors.append(checks.Error(str(error), id="privacy.E001", hint=f"检查环境变量 {name}。"))
    return errors
