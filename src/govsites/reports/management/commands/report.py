"""``govsites report monthly|quarterly|annual [--period 2026-11] [--scope 机构] [--html out.html]
[--xlsx out.xlsx] [--publish] [--as USERNAME]``: generate a supervision report from the stored data,
write it as a standalone HTML file and/or an XLSX workbook, and optionally publish it on the
supervising government's portal (SUP-01, SUP-02). ``--withdraw 原因`` takes the period's published
report off the portal instead."""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govsites import clock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.registry.errors import messages_of
from govsites.registry.management.commands.import_registry import acting_user
from govsites.registry.models import Institution

from ... import html, periods, xlsx
from ...actions import GenerateReport, PublishReport, WithdrawReport, estate_root
from ...models import Report, ReportKind


def _target(value: str | None, suffix: str) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if path.suffix.lower() != suffix:
        raise CommandError(f"输出文件的扩展名须为 {suffix}：{path}")
    if not path.parent.is_dir():
        raise CommandError(f"目录不存在：{path.parent}")
    return path


@contextlib.contextmanager
def _refusals():
    """A refused action is a Chinese error line, and nothing of it is kept."""
    try:
        with transaction.atomic():
            yield
    except NotAllowed as denied:
        raise CommandError(denied.message) from None
    except ValidationError as error:
        raise CommandError("；".join(t for texts in messages_of(error).values() for t in texts)) from None


def _scope(text: str | None) -> Institution:
    if not text:
        return estate_root()
    found = Institution.objects.filter(pk=int(text)).first() if text.isdigit() else (
        Institution.objects.filter(name=text).first() or Institution.objects.filter(short_name=text).first())
    if found is None:
        raise CommandError(f"未找到监管单位：{text}")
    return found


class Command(BaseCommand):
    help = "生成政府网站监管报表（月度普查报告、季度检查通报、监管年度报表），导出HTML/XLSX，可发布到门户网站。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values, help="monthly 月度 | quarterly 季度 | annual 年度")
        parser.add_argument("--period", help="报告期：2026-11 / 2026-Q4 / 2026；默认为上一个已结束的报告期")
        parser.add_argument("--scope", help="监管单位（机构全称、规范简称或编号）；默认为平台的顶级政府")
        parser.add_argument("--html", help="写出可独立打开、可打印的HTML文件")
        parser.add_argument("--xlsx", help="写出XLSX工作簿（每表一页，含图表）")
        parser.add_argument("--publish", action="store_true", help="发布到监管单位的门户网站（jiandu/）")
        parser.add_argument("--withdraw", metavar="原因",
                            help="不生成报表，而是将该报告期已发布的报表从门户网站撤回（须说明原因）")
        parser.add_argument("--as", dest="username", help="以该账号的身份操作（默认为系统）")

    def handle(self, *args, **options):
        kind = options["kind"]
        html_path, xlsx_path = _target(options["html"], ".html"), _target(options["xlsx"], ".xlsx")
        actor = Actor.cli(acting_user(options["username"])) if options["username"] else Actor.cli(None)
        period = options["period"] or periods.shifted(periods.containing(kind, clock.today()), -1).key
        if options["withdraw"] is not None:
            self.withdraw(actor, kind, period, options)
            return
        with _refusals():  # with --publish: both or neither
            report = GenerateReport(actor, kind, period, _scope(options["scope"])).execute()
            if options["publish"]:
                PublishReport(actor, report).execute()
        if html_path:
            html_path.write_text(html.standalone(report.data), encoding="utf-8")
        if xlsx_path:
            xlsx_path.write_bytes(xlsx.workbook(report.data))
        done = [f"已生成：{report.title}（第{report.revision}次生成）"]
        done += [f"HTML：{html_path}"] if html_path else []
        done += [f"XLSX：{xlsx_path}"] if xlsx_path else []
        if options["publish"]:
            done.append(f"已提交发布到{report.published_site.name}，发布程序下次运行时上线。")
        self.stdout.write(self.style.SUCCESS("\n".join(done)))

    def withdraw(self, actor, kind: str, period: str, options) -> None:
        if options["publish"] or options["html"] or options["xlsx"]:
            raise CommandError("--withdraw 不能与 --publish、--html、--xlsx 同时使用。")
        scope = _scope(options["scope"])
        report = Report.objects.filter(kind=kind, period=period, scope=scope).first()
        if report is None:
            raise CommandError(f"未找到{scope.name}该报告期（{period}）的报表。")
        with _refusals():
            WithdrawReport(actor, report, options["withdraw"]).execute()
        self.stdout.write(self.style.SUCCESS(f"已撤回：{report.title}；发布程序下次运行时从门户网站删除。"))
