"""Registry models write to the audit trail model; labels for the actions they log."""

from govsites.audit.models import AuditLogEntry

from .models import Announcement, Application, ArchiveRecord, ChecklistItem, Institution, Site, SpecialTopic

ACTION_LABELS = {
    "registry.institution.create": "新增机构",
    "registry.site.propose": "提出开设网站",
    "registry.site.register": "登记已有网站",
    "registry.site.status": "网站状态变更",
    "registry.site.change": "网站信息变更",
    "registry.site.identifier": "登记网站标识信息",
    "registry.application.submit": "提交申请",
    "registry.application.approve": "申请获批",
    "registry.application.reject": "申请被驳回",
    "registry.application.withdraw": "撤回申请",
    "registry.step.approve": "审批同意",
    "registry.step.reject": "审批驳回",
    "registry.checklist.complete": "完成程序事项",
    "registry.announcement.create": "发布公告",
    "registry.archive": "页面归档",
    "registry.special_topic.create": "开设专栏专题",
    "registry.national_report": "向国家系统报备",
    "registry.import": "批量导入",
    "registry.export": "导出登记数据",
}


def register(actions) -> None:
    for model in (Institution, Site, Application, ChecklistItem, Announcement, ArchiveRecord, SpecialTopic):
        actions.register_model(model, AuditLogEntry)
    for action, label in ACTION_LABELS.items():
        actions.register_action(action, label, label)
