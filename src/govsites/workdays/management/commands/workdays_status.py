"""``govsites workdays_status``: the loaded years, and a warning for each year that should be
loaded by now (what the scheduled job ``workdays.missing_year`` logs)."""

from django.core.management.base import BaseCommand

from govsites import clock
from govsites.workdays import status
from govsites.workdays.models import CalendarYear


class Command(BaseCommand):
    help = "列出已载入的工作日历年份，并提示应载入而未载入的年份（当年；11月1日起还有次年）。"

    def handle(self, *args, **options):
        for row in CalendarYear.objects.order_by("year"):
            origin = f"国务院通知 {row.notice}" if row.source == "notice" else "日历库"
            self.stdout.write(f"{row.year}：{origin}，载入于 {clock.local(row.loaded_at):%Y-%m-%d}")
        for year in status.warn_missing():
            self.stdout.write(self.style.WARNING(status.missing_message(year)))
