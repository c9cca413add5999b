from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "govsites.privacy"
    label = "privacy"
    verbose_name = "个人信息保护"

    def ready(self):
        from . import checks  # noqa: F401  (the key configuration is checked at startup)
        from .logging import install_record_factory

        # Redact at the source: every record, whichever handler (or test capture) receives it.
        install_record_factory()
