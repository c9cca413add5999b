"""Create the first system administrator — the only way an administrator account comes to be.

The password is read from the terminal (twice) or from ``GOVSITES_ADMIN_PASSWORD``; it must pass
every configured password validator, with no bypass (SEC-02). The account gets its TOTP second
factor at once: the otpauth URI (and a terminal QR code) and ten recovery codes are printed once.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from govsites.audit.context import Actor
from govsites.audit.log import record

from ... import mfa


class Command(BaseCommand):
    help = "Create a system administrator with a strong password (no default accounts exist)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--no-qr", action="store_true", help="不在终端绘制二维码")

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
            device = TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)
            codes = mfa.new_recovery_codes(user)
            record(Actor.cli(None), user, "govsites.accounts.mfa_enrol", reason="createadmin 命令",
                   data={"device": device.persistent_id})
        self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {username}。"))
        self.stdout.write("登录管理后台须使用双因素认证。请用身份验证器应用扫描下面的二维码，或导入此地址：")
        self.stdout.write(device.config_url)
        if not options.get("no_qr"):
            self.stdout.write(mfa.qr_text(device))
        self.stdout.write(f"密钥（手动输入）：{mfa.secret_text(device)}")
        self.stdout.write("恢复码（仅显示这一次，每个可代替验证码登录一次，请妥善保管）：")
        for code in codes:
            self.stdout.write(f"  {code}")
