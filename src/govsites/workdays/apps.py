from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "govsites.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import calendar, checks  # noqa: F401  (registers the system check)
        from .signals import calendar_year_loaded

        calendar_year_loaded.connect(calendar.forget_loaded_year, dispatch_uid="govsites_workdays_cache")
