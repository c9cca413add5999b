"""The admin users group, kept present after every migrate (and test flush) like permissions."""

from django.contrib.auth.models import Group, Permission

ADMIN_USERS_GROUP = "平台用户"


def ensure_admin_users_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_USERS_GROUP)
    permission = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    if permission is not None:
        group.permissions.add(permission)
    return group
