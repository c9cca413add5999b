from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from govsites.audit.models import AuditLogEntry

from . import capabilities
from .models import RoleAssignment, User

# Audited events of govsites.accounts (SEC-02); logins themselves are govsites.audit's.
ACTION_LABELS = {
    "govsites.accounts.create_admin": "创建系统管理员",
    "govsites.accounts.unlock": "解除登录锁定",
    "govsites.accounts.mfa_enrol": "绑定双因素认证",
    "govsites.accounts.mfa_failed": "双因素认证失败",
    "govsites.accounts.mfa_recovery_used": "使用恢复码登录",
    "govsites.accounts.mfa_recovery_codes": "重新生成恢复码",
    "govsites.accounts.mfa_reset": "重置双因素认证",
    "govsites.accounts.password_expired": "密码过期须修改",
    "govsites.accounts.password_renewed": "过期密码已修改",
    "govsites.accounts.disable_inactive": "停用长期未使用账号",
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_model(User, AuditLogEntry)
    actions.register_model(RoleAssignment, AuditLogEntry)
    for action, label in ACTION_LABELS.items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_urls")
def register_account_urls():
    from . import urls

    return urls.urlpatterns


class CapabilityMenuItem(MenuItem):
    def __init__(self, *args, capability: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.capability = capability

    def is_shown(self, request):
        return capabilities.has_capability(request.user, self.capability)


@hooks.register("register_admin_menu_item")
def register_account_security_menu():
    menu = Menu(
        items=[
            CapabilityMenuItem(_("账号锁定"), reverse("govsites_accounts:lockouts"), name="lockouts",
                               icon_name="lock", order=100, capability=capabilities.ACCOUNTS_UNLOCK),
            CapabilityMenuItem(_("双因素认证"), reverse("govsites_accounts:second_factors"),
                               name="second-factors", icon_name="key", order=200,
                               capability=capabilities.ACCOUNTS_RESET_MFA),
        ]
    )
    return SubmenuMenuItem(_("账号安全"), menu, name="account-security", icon_name="lock", order=900)


@hooks.register("register_scheduled_jobs")
def scheduled_jobs():
    import datetime as dt

    from govsites.scheduling import Job

    from .tasks import run_disable_inactive_accounts

    return [
        Job(
            "accounts.disable_inactive",
            dt.timedelta(days=1),
            run_disable_inactive_accounts,
            command="disable_inactive_accounts",
        )
    ]
