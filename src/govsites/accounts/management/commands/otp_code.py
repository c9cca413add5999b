"""Demo convenience: print a demo account's current TOTP code.

Only with the embedded settings and only for the demo accounts of a database that holds the
demo province and nothing else — a real deployment never has a way to read a second factor.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ... import mfa


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (embedded demo database only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        from govsites.demo.accounts import ACCOUNTS
        from govsites.demo.estate import demo_root, foreign_roots

        module = os.environ.get("DJANGO_SETTINGS_MODULE", "") or settings.SETTINGS_MODULE
        if module != "govsites.settings.embedded":
            raise CommandError("otp_code 只能在内嵌（演示）配置下使用。")
        if username not in {a.username for a in ACCOUNTS}:
            raise CommandError(f"{username} 不是演示账号；otp_code 只为演示账号显示验证码。")
        if demo_root() is None or foreign_roots().exists():
            raise CommandError("当前数据库不是纯演示数据库，不显示验证码。")
        user = get_user_model().objects.filter(username=username).first()
        device = mfa.confirmed_totp(user) if user else None
        if device is None:
            raise CommandError(f"{username} 尚未绑定验证器，请先运行 demo_accounts。")
        self.stdout.write(mfa.current_code(device))
