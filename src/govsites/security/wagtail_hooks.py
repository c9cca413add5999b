"""The security records' seams into the Wagtail admin: URLs, the 安全管理 menu, log action labels."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

ACTION_LABELS = {
    "security.scan.record": "登记安全扫描",
    "security.notice.record": "登记漏洞",
    "security.notice.start_fix": "漏洞开始整改",
    "security.notice.fix": "登记漏洞修复",
    "security.notice.verify": "漏洞验证关闭",
    "security.notice.reject_fix": "漏洞验证未通过",
    "security.notice.accept_risk": "漏洞接受风险",
    "security.timeline.note": "补充处置记录",
    "security.plan.record": "登记应急预案",
    "security.plan.filing": "应急预案备案",
    "security.plan.review": "应急预案评审",
    "security.drill.record": "登记应急演练",
    "security.incident.open": "登记安全事件",
    "security.incident.link": "安全事件关联防篡改记录",
    "security.incident.contained": "安全事件已控制",
    "security.incident.resolved": "安全事件已恢复",
    "security.incident.report": "安全事件报告",
    "security.incident.remedy": "数据泄露补救",
    "security.incident.close": "安全事件结案",
    "security.counterfeit.record": "登记假冒网站",
    "security.counterfeit.hand_over": "假冒网站移交网信部门",
    "security.counterfeit.close": "假冒网站结案",
    "security.hosting.record": "登记托管信息",
    "security.hosting.change": "修改托管信息",
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    from govsites.audit.models import AuditLogEntry

    from . import models

    for model in (models.PeriodicScan, models.VulnerabilityNotice, models.EmergencyPlan, models.Drill,
                  models.Incident, models.CounterfeitCase, models.HostingFacts):
        actions.register_model(model, AuditLogEntry)
    for action, label in ACTION_LABELS.items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_urls")
def register_security_urls():
    from . import urls

    return [path("security/", include(urls))]


class SecurityMenuItem(MenuItem):
    def is_shown(self, request):
        from .permissions import may_view

        return may_view(request.user)


class SecuritySubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        from .permissions import may_view

        return may_view(request.user)


def _items():
    entries = [
        ("overview", _("安全概览"), "security:overview", "view"),
        ("notices", _("漏洞通报"), "security:notices", "warning"),
        ("scans", _("安全扫描"), "security:scans", "search"),
        ("plans", _("应急预案与演练"), "security:plans", "doc-full"),
        ("incidents", _("安全事件"), "security:incidents", "warning"),
        ("counterfeits", _("假冒网站"), "security:counterfeits", "link-external"),
        ("hostings", _("托管信息"), "security:hostings", "site"),
    ]
    return [
        SecurityMenuItem(label, reverse_lazy(url), name=f"security-{name}", icon_name=icon, order=i * 10)
        for i, (name, label, url, icon) in enumerate(entries)
    ]


@hooks.register("register_admin_menu_item")
def register_security_menu_item():
    return SecuritySubmenuItem(_("安全管理"), Menu(items=_items()), name="security", icon_name="warning", order=170)
