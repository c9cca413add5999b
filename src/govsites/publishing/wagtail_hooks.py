"""The publisher's seams into the Wagtail admin: its URLs and the 网站发布 menu item."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_urls")
def register_publishing_urls():
    from . import urls

    return [path("publishing/", include(urls))]


class PublishingMenuItem(MenuItem):
    def is_shown(self, request):
        from .views import sees_publishing

        return sees_publishing(request.user)


@hooks.register("register_admin_menu_item")
def register_publishing_menu_item():
    return PublishingMenuItem(_("网站发布"), reverse_lazy("publishing:sites"), name="publishing", icon_name="globe",
                              order=160)


@hooks.register("register_publishing_outputs")
def registry_announcements():
    """Registry notices (REG-10/12/14/16) on their host sites."""
    from . import announcements

    return announcements.NAME, announcements.provider
