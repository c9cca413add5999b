from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govsites.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the SEC-02 account check)
        from .groups import ensure_admin_users_group

        post_migrate.connect(ensure_admin_users_group, dispatch_uid="govsites_admin_users_group")
