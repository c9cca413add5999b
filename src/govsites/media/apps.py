from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "govsites.media"
    label = "media"
    verbose_name = "图片与文件"

    def ready(self):
        from . import audit, receivers  # noqa: F401  (connects the signal receivers)
