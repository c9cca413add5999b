"""The launch (REG-09) and closure (REG-14) checklists: items, labels and what they set."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import Checklist

LAUNCH_ITEMS = {
    "site_mark": (_("向机构编制部门申请并取得党政机关网站标识"), "site_mark_number"),
    "domain_registered": (_("注册规范的中文域名和英文域名"), None),
    "icp_filing": (_("向电信主管部门完成ICP备案"), "icp_number"),
    "public_security_filing": (_("向公安机关完成备案"), "public_security_number"),
    "site_code": (_("报送网站基本信息并取得政府网站标识码"), "site_code"),
    "security_test": (_("通过安全检测"), None),
    "cyberspace_report": (_("向网信办报备"), None),
}

CLOSURE_ITEMS = {
    "migration_notice": (_("在网站首页显著位置悬挂迁移公告"), None),
    "content_migrated": (_("原网站内容整合迁移并对有价值页面归档"), None),
    "migration_announcement": (_("在上级或本级政府门户网站发布内容去向公告（保留不少于30天）"), None),
    "icp_cancelled": (_("注销ICP备案号"), None),
    "site_mark_cancelled": (_("注销党政机关网站标识"), None),
    "public_security_cancelled": (_("注销公安机关备案"), None),
    "domain_cancelled": (_("注销域名"), None),
    "status_reported": (_("通过全国政府网站信息报送系统报告网站变更状态"), None),
}

# Closure items the platform ticks itself when the matching action runs.
AUTOMATIC_CLOSURE_ITEMS = {"migration_notice", "content_migrated", "migration_announcement", "status_reported"}

ITEMS = {Checklist.LAUNCH: LAUNCH_ITEMS, Checklist.CLOSURE: CLOSURE_ITEMS}


def label_for(checklist: str, key: str) -> str:
    return str(ITEMS[checklist][key][0])


def field_for(checklist: str, key: str) -> str | None:
    return ITEMS[checklist][key][1]
