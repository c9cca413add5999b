"""The content app's seams into the Wagtail admin: its menu, URLs, chooser and dashboard panel."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem


@hooks.register("register_admin_urls")
def register_content_urls():
    from .views import urls

    return [path("content/", include(urls))]


@hooks.register("register_admin_viewset")
def register_item_chooser():
    from .views.chooser import item_chooser_viewset

    return item_chooser_viewset


class SupervisorMenuItem(MenuItem):
    def is_shown(self, request):
        from govsites.registry.views.base import is_supervisor

        return is_supervisor(request.user)


class ContentMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        from .views.base import works_on_content

        return works_on_content(request.user)


@hooks.register("register_admin_menu_item")
def register_content_menu():
    menu = Menu(items=[
        MenuItem(_("我的工作"), reverse_lazy("content:home"), icon_name="home", order=100),
        MenuItem(_("新建信息"), reverse_lazy("content:new"), icon_name="plus", order=200),
        MenuItem(_("信息资源库"), reverse_lazy("content:library"), icon_name="list-ul", order=300),
        MenuItem(_("栏目管理"), reverse_lazy("content:sites"), icon_name="folder-open-inverse", order=400),
        SupervisorMenuItem(_("转载督查"), reverse_lazy("content:repost_report"), icon_name="warning", order=500),
    ])
    return ContentMenuItem(_("信息发布"), menu, name="content", icon_name="doc-full-inverse", order=140)


#: Wagtail's own workflow panels assume every moderated object is a page or a registered snippet;
#: library items are neither (their screens are ours), and page workflows are not used here.
REPLACED_PANELS = {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation"}


@hooks.register("construct_homepage_panels")
def add_content_panel(request, panels):
    from .views.home import EditorSummaryPanel

    panels[:] = [panel for panel in panels if getattr(panel, "name", "") not in REPLACED_PANELS]
    panels.append(EditorSummaryPanel())
