"""``govsites demo_monitoring``: six months of supervision for the demo estate — monthly censuses,
findings fixed, closed and escalated, violations, availability probes, last month's report and the
last quarter's bulletin (run after ``demo_accounts``; a second run changes nothing, ``--reset``
plays it again)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govsites.monitoring.models import FindingStatus

from ... import monitoring
from ...estate import DemoError


class Command(BaseCommand):
    help = "Give the demo estate a supervision history: censuses, findings, violations and reports (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=monitoring.DEFAULT_SEED, help="same seed, same history")
        parser.add_argument("--reset", action="store_true", help="delete the monitor's and the reports' data first")

    def handle(self, *args, seed, reset, **options):
        try:
            with transaction.atomic():
                if reset:
                    monitoring.reset()
                made = monitoring.play(seed)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if not made.played:
            self.stdout.write("演示监管数据已存在，未重复生成（--reset 清除后重新生成）。")
            return
        states = "，".join(f"{FindingStatus(s).label} {n}" for s, n in made.findings.items())
        self.stdout.write(f"已生成检查批次 {made.censuses} 个（网站检查结果 {made.results} 条），可用性探测 {made.probes} 次。")
        self.stdout.write(f"监测问题 {sum(made.findings.values())} 个（{states}），逾期督办 {made.escalated} 个，"
                          f"违规记录 {made.violations} 条。")
        for title in made.reports:
            self.stdout.write(f"已生成报表：{title}")
