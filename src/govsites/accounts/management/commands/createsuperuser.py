"""Disable Django's ``createsuperuser``: it lets the operator bypass password validation."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Disabled: use `govsites createadmin`, which enforces a strong password."

    def handle(self, *args, **options):
        raise CommandError("请使用 `govsites createadmin --username <用户名>` 创建管理员（强制强密码）。")

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--database")
