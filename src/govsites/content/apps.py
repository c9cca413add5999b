from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "govsites.content"
    label = "content"
    verbose_name = "内容管理"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the registry's signals)
