from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "govsites.monitoring"
    label = "monitoring"
    verbose_name = "网站监管"
    default_auto_field = "django.db.models.BigAutoField"
