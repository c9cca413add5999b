"""``govsites report monthly|quarterly|annual [--period 2026-11] [--scope 机构] [--html out.html]
[--xlsx out.xlsx] [--publish] [--as USERNAME]``: generate a supervision report from the stored data,
write it as a standalone HTML file and/or an XLSX workbook, and optionally publish it on the
supervising government's portal (SUP-01, SUP-02)."""

from __future__ import annotations

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
from ...actions import GenerateReport, PublishReport, estate_root
from ...models import ReportKind


def _target(value: str | None, suffix: str) -> Path | None:
    if not value:
        return None
    path = Path(value)
    if path.suffix.lower() != suffix:
        raise CommandError(f"输出文件的扩展名须为 {suffix}：{path}")
    if not path.parent.is_dir():
        raise CommandError(f"目录不存在：{path.parent}")
    return path


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
        parser.add_argument("--as", dest="username", help="以该账号的身份操作（默认为系统）")

    def handle(self, *args, **options):
        kind = options["kind"]
        html_path, xlsx_path = _target(options["html"], ".html"), _target(options["xlsx"], ".xlsx")
        actor = Actor.cli(acting_user(options["username"])) if options["username"] else Actor.cli(None)
        period = options["period"] or periods.shifted(periods.containing(kind, clock.today()), -1).key
        try:
            with transaction.atomic():  # with --publish: both or neither
                report = GenerateReport(actor, kind, period, _scope(options["scope"])).execute()
                if options["publish"]:
                    PublishReport(actor, report).execute()
        except NotAllowed as denied:
            raise CommandError(denied.message) from None
        except ValidationError as error:
            raise CommandError("；".join(t for texts in messages_of(error).values() for t in texts)) from None
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
