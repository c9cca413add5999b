"""Seed every year the installed ``chinese_calendar`` covers (2004–2026 with 1.11), as
source="library". Later library releases are added with ``govsites workdays_seed``."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from govsites.workdays import seeding

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    now = timezone.now()
    for year, entries in seeding.library_entries().items():
        if year not in loaded:
            seeding.write_year(CalendarYear, CalendarDay, year=year, entries=entries, source="library", notice="",
                               loaded_at=now)


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarYear").objects.filter(source="library").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
