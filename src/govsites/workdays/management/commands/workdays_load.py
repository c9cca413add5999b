"""``govsites workdays_load FILE [--replace] [--as USERNAME]``: load a year of the State Council's
arrangement from the small table format (docs/workdays.md). All or nothing; every problem is
printed with its line number and the exit status is non-zero."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govsites.actions import NotAllowed
from govsites.workdays.actions import LoadCalendarYear
from govsites.workdays.arrangement import MAX_BYTES, CalendarError, decode, parse

from ._common import cli_actor


class Command(BaseCommand):
    help = "按国务院节假日安排通知载入一年的工作日历（全部成功或全部不载入）。格式见 docs/workdays.md。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="放假安排表格文件（UTF-8 文本）")
        parser.add_argument("--replace", action="store_true", help="替换已载入的同一年份")
        parser.add_argument("--as", dest="username", help="以该系统管理员账号的名义载入（记入审计日志）")

    def handle(self, *args, file, replace, username, **options):
        actor = cli_actor(username)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"文件过大：放假安排表格不应超过 {MAX_BYTES // 1024} KB。")
        try:
            arrangement = parse(decode(path.read_bytes()))
            row = LoadCalendarYear(actor, arrangement, replace=replace).execute()
        except CalendarError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"载入失败：共 {len(exc.problems)} 处问题，未载入任何数据。") from exc
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        for warning in arrangement.warnings:
            self.stdout.write(self.style.WARNING(f"提示：{warning}"))
        self.stdout.write(self.style.SUCCESS(
            f"已载入{row.year}年工作日历（{row.notice}）：放假 {arrangement.count('holiday')} 天，"
            f"调休上班 {arrangement.count('workday')} 天。"))
