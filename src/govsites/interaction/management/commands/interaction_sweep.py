"""Run the deadline sweep once (reminders, escalation, missing deadlines): for cron, when the
scheduler loop of ``govsites publish --watch`` does not run it every 15 minutes."""

from django.core.management.base import BaseCommand

from ...sweep import run


class Command(BaseCommand):
    help = "Remind before and escalate after message deadlines; fill deadlines that waited for a calendar year."

    def handle(self, *args, **options):
        result = run()
        for case in result.reminded:
            self.stdout.write(f"临期提醒 {case}")
        for case in result.escalated:
            self.stdout.write(f"超期督办 {case}")
        self.stdout.write(self.style.SUCCESS(
            f"补算期限 {result.filled} 条，临期提醒 {len(result.reminded)} 条，超期督办 {len(result.escalated)} 条。"))
