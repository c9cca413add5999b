from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "govsites.interaction"
    label = "interaction"
    verbose_name = "互动交流"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the registry's signals)
