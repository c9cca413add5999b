from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govsites.reports"
    label = "reports"
    verbose_name = "监管报表"
    default_auto_field = "django.db.models.BigAutoField"
