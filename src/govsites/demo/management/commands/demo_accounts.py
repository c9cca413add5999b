"""``govsites demo_accounts``: one demo login per role, each run with new one-time passwords."""

from django.core.management.base import BaseCommand, CommandError

from ... import accounts
from ...estate import DemoError


class Command(BaseCommand):
    help = "Ensure one demo account per role and print a new one-time password for each (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the demo is served")

    def handle(self, *args, base_url, **options):
        try:
            issued = accounts.issue_all()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        base = base_url.rstrip("/")
        warning = self.style.WARNING
        self.stdout.write("")
        self.stdout.write(warning("【注意】以下为演示账号，仅供本机演示使用，切勿用于生产环境。"))
        self.stdout.write(warning("密码为本次随机生成的一次性密码，只显示这一次，系统只保存其哈希值；"
                                  "再次运行会为每个账号生成新密码，旧密码随即失效。"))
        self.stdout.write("")
        for line in accounts.table(issued):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("双因素认证：管理后台登录后须输入验证码。可将下列密钥或地址导入身份验证器应用；")
        self.stdout.write("演示时也可运行 `govsites otp_code <用户名>` 直接显示当前验证码（仅限演示数据库）。")
        for item in issued:
            self.stdout.write(f"{item.user.username}  密钥：{item.otp_secret}")
            self.stdout.write(f"    {item.otp_uri}")
        self.stdout.write("")
        self.stdout.write(f"管理后台：{base}/admin/")
        self.stdout.write(f"接口说明（OpenAPI）：{base}/api/v1/openapi.json")
        self.stdout.write(f"接口文档：{base}/api/v1/docs")
        self.stdout.write("")
