"""Create the first system administrator — the only way an administrator account comes to be.

The password is read from the terminal (twice) or from ``GOVSITES_ADMIN_PASSWORD``; it must pass
every configured password validator, with no bypass (SEC-02).
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govsites.audit.context import Actor
from govsites.audit.log import record


class Command(BaseCommand):
    help = "Create a system administrator with a strong password (no default accounts exist)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--display-name", default="")

    def handle(self, *args, username, email, display_name, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已存在。")
        password = os.environ.get("GOVSITES_ADMIN_PASSWORD")
        if not password:
            if not os.isatty(0):
                raise CommandError("请在终端中输入密码，或通过环境变量 GOVSITES_ADMIN_PASSWORD 提供。")
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        candidate = User(username=username, email=email, display_name=display_name)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from exc
        with transaction.atomic():
            user = User.objects.create_superuser(
                username=username, email=email, password=password, display_name=display_name
            )
            record(Actor.cli(None), user, "govsites.accounts.create_admin", reason="createadmin 命令")
        self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {username}。"))
