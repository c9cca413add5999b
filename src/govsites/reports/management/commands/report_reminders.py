"""``govsites report_reminders``: mail the supervisors about reports whose due date is near or
passed (the scheduled job ``reports.reminders``; safe to run any number of times)."""

from django.core.management.base import BaseCommand

from ...reminders import run


class Command(BaseCommand):
    help = "向监管人员发送监管报表报送期限提醒（每个提醒只发送一次）。"

    def handle(self, *args, **options):
        result = run()
        self.stdout.write(f"已发送提醒{result['reminders']}项，邮件{result['mails']}封。")
