from wagtail import hooks

from govsites.audit.models import AuditLogEntry

from .models import RoleAssignment, User


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_model(User, AuditLogEntry)
    actions.register_model(RoleAssignment, AuditLogEntry)
    actions.register_action("govsites.accounts.create_admin", "创建系统管理员", "创建系统管理员")
