"""The registry's seams into the Wagtail admin."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import log_actions


@hooks.register("register_log_actions")
def register_log_actions(actions):
    log_actions.register(actions)


# -- 网站注册管理 (the registry admin: registry.views) ----------------------------------------------


class RegistryMenu(Menu):
    """The registry's own items, then any registered with the ``register_registry_menu_item`` hook."""

    @cached_property
    def registered_menu_items(self):
        from .views.dashboard import menu_items

        return [*menu_items(), *super().registered_menu_items]


@hooks.register("register_admin_urls")
def register_registry_urls():
    from .views import urls

    return [path("registry/", include(urls))]


@hooks.register("register_admin_menu_item")
def register_registry_menu_item():
    menu = RegistryMenu(register_hook_name="register_registry_menu_item")
    return SubmenuMenuItem(_("网站注册管理"), menu, name="registry", icon_name="site", order=150)


@hooks.register("construct_homepage_panels")
def add_registry_panel(request, panels):
    from .views.dashboard import RegistrySummaryPanel

    panels.append(RegistrySummaryPanel())


@hooks.register("insert_global_admin_css")
def registry_css():
    return format_html('<link rel="stylesheet" href="{}">', static("registry/registry.css"))


# -- 批量导入导出 (bulk onboarding import / export: registry.import_views) ----------------------


@hooks.register("register_admin_urls")
def register_import_urls():
    from .import_views import urls

    return urls()


@hooks.register("register_registry_menu_item")
def register_import_menu_item():
    from .import_views import menu_item

    return menu_item()
