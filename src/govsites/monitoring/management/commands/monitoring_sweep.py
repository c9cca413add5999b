"""``govsites monitoring_sweep``: escalate overdue findings (cron: hourly)."""

from django.core.management.base import BaseCommand

from govsites.monitoring.sweep import run


class Command(BaseCommand):
    help = "对逾期未整改的监测问题进行督办，并记录违规情况。"

    def handle(self, *args, **options):
        done = run()
        self.stdout.write(f"补定整改期限 {done['dated']} 条，逾期督办 {done['escalated']} 条。")
