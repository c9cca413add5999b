"""Enqueue the registry's daily job (run it from cron or a systemd timer once a day)."""

from django.core.management.base import BaseCommand

from govsites.registry.tasks import apply_due_transitions


class Command(BaseCommand):
    help = "Enqueue the daily registry transitions (temporary offline start/end, outage end)."

    def handle(self, *args, **options):
        result = apply_due_transitions.enqueue()
        self.stdout.write(f"已加入任务队列：{result.id}（状态 {result.status}）")
