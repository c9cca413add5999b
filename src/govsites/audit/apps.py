from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "govsites.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from . import checks, receivers, triggers, wagtail_logs  # noqa: F401  (connects receivers)

        post_migrate.connect(triggers.ensure_installed, sender=self, dispatch_uid="govsites_audit_triggers")
