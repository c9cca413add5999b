from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "govsites.content"
    label = "content"
    verbose_name = "内容管理"

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from . import receivers  # noqa: F401  (connects to the registry's signals)
        from .models import Item
        from .permissions import library_permission_policy
        from .prepublish_receivers import interpretation_unpublished  # noqa: F401  (CON-07 unpublish receiver)

        register_permission_policy(Item, library_permission_policy)
