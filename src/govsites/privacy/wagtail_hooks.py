"""The personal-data admin's seams into Wagtail: URLs, the 设置 → 个人信息 menu item, log actions."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from govsites.audit.models import AuditLogEntry


@hooks.register("register_admin_urls")
def register_privacy_urls():
    from . import urls

    return [path("privacy/", include(urls))]


class PrivacyMenuItem(MenuItem):
    def is_shown(self, request):
        from .permissions import handles_requests

        return handles_requests(request.user)


@hooks.register("register_settings_menu_item")
def register_privacy_menu_item():
    return PrivacyMenuItem(_("个人信息"), reverse_lazy("privacy:records"), name="privacy", icon_name="lock",
                           order=700)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    from .actions import LOG_ACTIONS
    from .models import PersonalRecord

    actions.register_model(PersonalRecord, AuditLogEntry)
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)
