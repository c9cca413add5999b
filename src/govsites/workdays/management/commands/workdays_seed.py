"""``govsites workdays_seed [--year Y ...] [--as USERNAME]``: load the years the installed
``chinese_calendar`` covers. Idempotent; a year loaded from a notice is never overwritten."""

from django.core.management.base import BaseCommand, CommandError

from govsites.actions import NotAllowed
from govsites.workdays.actions import SeedFromLibrary
from govsites.workdays.arrangement import CalendarError

from ._common import cli_actor


class Command(BaseCommand):
    help = "从日历库 chinese_calendar 载入（或更新）其覆盖的年份；可重复运行，不覆盖按国务院通知载入的年份。"

    def add_arguments(self, parser):
        parser.add_argument("--year", dest="years", type=int, action="append", help="只处理该年份（可重复）")
        parser.add_argument("--as", dest="username", help="以该系统管理员账号的名义载入（记入审计日志）")

    def handle(self, *args, years=None, username=None, **options):
        try:
            result = SeedFromLibrary(cli_actor(username), years=years).execute()
        except CalendarError as exc:
            raise CommandError(" ".join(str(p) for p in exc.problems)) from exc
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))
