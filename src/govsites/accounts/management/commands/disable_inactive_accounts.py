"""Disable accounts unused for the profile's ``security.inactive_account_days`` (SEC-02)."""

from django.core.management.base import BaseCommand

from govsites.audit.context import Actor

from ...actions import DisableInactiveAccounts


class Command(BaseCommand):
    help = "Disable accounts unused for security.inactive_account_days (never the last system administrator)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将被停用的账号")

    def handle(self, *args, dry_run=False, **options):
        action = DisableInactiveAccounts(Actor.cli(None))
        if dry_run:
            users, days = action.candidates()
            for user in users:
                self.stdout.write(f"{user.username}\t{user.last_login or '从未登录'}")
            self.stdout.write(f"共 {users.count()} 个账号超过 {days} 天未使用（未停用；最后一名系统管理员不会被停用）。")
            return
        disabled = action.execute()
        for user in disabled:
            self.stdout.write(f"已停用 {user.username}")
        self.stdout.write(self.style.SUCCESS(f"共停用 {len(disabled)} 个长期未使用的账号。"))
