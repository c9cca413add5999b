from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govsites.publishing"
    label = "publishing"
    verbose_name = "网站发布"

    def ready(self):
        from . import receivers  # noqa: F401  (queues re-rendering when content or the registry changes)
