"""Wagtail's own log entries in the chained trail (SEC-03 "every admin-side action").

Wagtail picks a log model per object class through ``wagtail.log_actions.registry``
(``register_model(cls, log_model)``; the most specific registered class wins, Wagtail itself
registering ``models.Model → ModelLogEntry`` and ``Page → PageLogEntry``). We do two things:

* **Route** every non-page model to :class:`AuditLogEntry` (hook below, run after Wagtail's):
  users, groups, collections, settings, snippets, images, documents… are then logged once, in the
  chained table, and Wagtail's own history views and reports still find them because they ask
  the same registry (``get_logs_for_instance``, ``get_log_entry_models``). No copy, no second
  table to protect.
* **Mirror** page log entries: Wagtail's page history, listing order and reports query
  ``PageLogEntry`` directly through its ``page`` foreign key, so page entries must stay there. A
  ``post_save`` receiver appends a chained copy in the same transaction (``data.wagtail_log``
  names the original). The same receiver covers ``ModelLogEntry`` in case a third-party hook
  registers a model to it explicitly.
"""

from __future__ import annotations

from django.db.models import Model
from django.db.models.signals import post_save
from wagtail import hooks
from wagtail.models import ModelLogEntry, PageLogEntry

from .models import AuditLogEntry

ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "admin.request": "管理操作",
    "admin.download": "下载数据",
    "data.export": "导出数据",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计日志",
    "audit.prune": "清理过期审计日志",
}


@hooks.register("register_log_actions", order=1000)
def route_wagtail_logs_to_the_trail(actions):
    actions.register_model(Model, AuditLogEntry)
    for action, label in ACTION_LABELS.items():
        if action not in actions.formatters:
            actions.register_action(action, label, label)


def mirror(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    object_id = str(getattr(instance, "page_id", None) or getattr(instance, "object_id", ""))
    AuditLogEntry.objects.create(
        content_type_id=instance.content_type_id,
        object_id=object_id,
        label=instance.label,
        action=instance.action,
        data={**(instance.data or {}), "wagtail_log": f"{instance._meta.label_lower}#{instance.pk}"},
        timestamp=instance.timestamp,
        uuid=instance.uuid,
        user_id=instance.user_id,
        revision_id=instance.revision_id,
        content_changed=instance.content_changed,
        deleted=instance.deleted,
    )


post_save.connect(mirror, sender=PageLogEntry, dispatch_uid="govsites_audit_mirror_page_log")
post_save.connect(mirror, sender=ModelLogEntry, dispatch_uid="govsites_audit_mirror_model_log")
