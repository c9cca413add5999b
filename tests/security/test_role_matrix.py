"""Least privilege as a table: every role against every guarded admin view and API call (SEC-02).

Each row of ``MATRIX`` is one thing someone might try (a page, a POST, an API call) and the roles
that may do it; every other role must be refused (403, the login page, or 404 for objects it may
not know of). One test per row walks all roles and reports every mismatch at once, so a
broken rule shows the whole picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.test import Client
from wagtail.models import APIToken

from govsites.accounts.groups import ensure_admin_users_group
from govsites.accounts.models import User
from govsites.audit.models import AuditLogEntry
from govsites.content.columns import ColumnType
from govsites.content.models import SiteRole
from tests.content.library_helpers import column, draft, member
from tests.privacy.data import make_record

ROLES = (
    "system_admin",
    "supervisor",
    "city_supervisor",
    "institution_head",
    "site_manager",
    "editor",
    "reviewer",
    "confidentiality_reviewer",
    "site_admin",
    "other_site_editor",
    "message_handler",
    "service_maintainer",
    "security_officer",
    "auditor",
    "no_role",
)
EDITORIAL = {"editor", "reviewer", "confidentiality_reviewer", "site_admin", "other_site_editor"}
REGISTRY = {"supervisor", "city_supervisor", "institution_head", "site_manager"}
EVERYONE_WITH_A_ROLE = set(ROLES) - {"no_role"}
MONITORING_READERS = {"supervisor", "city_supervisor", "site_manager"}


@pytest.fixture
def people(estate, clock):
    """One account per role. Site roles are on the city portal; the "other site" is the stats site."""
    portal = estate.city_portal
    staff = {
        "editor": member("m_editor", portal, SiteRole.EDITOR),
        "reviewer": member("m_reviewer", portal, SiteRole.REVIEWER),
        "confidentiality_reviewer": member("m_secrecy", portal, SiteRole.CONFIDENTIALITY_REVIEWER),
        "site_admin": member("m_site_admin", portal, SiteRole.SITE_ADMIN),
        "other_site_editor": member("m_other_editor", estate.stats_site, SiteRole.EDITOR),
        "message_handler": member("m_messages", portal, SiteRole.MESSAGE_HANDLER),
        "service_maintainer": member("m_services", portal, SiteRole.SERVICE_MAINTAINER),
    }
    staff |= {
        "system_admin": User.objects.create_user("m_sysadmin", password=None, is_superuser=True, is_staff=True),
        "supervisor": estate.province_office,
        "city_supervisor": estate.city_office,
        "institution_head": estate.stats_head,
        "site_manager": estate.stats_manager,
        "security_officer": estate.security_officer,
        "auditor": estate.auditor,
        "no_role": estate.outsider,
    }
    for user in staff.values():
        if user is not estate.outsider:
            user.groups.add(ensure_admin_users_group())
    news = column(portal, ColumnType.NEWS)
    item = draft(portal, news, staff["editor"])
    citizen = make_record(site=portal)
    audit_entry = AuditLogEntry.objects.order_by("-seq").values_list("pk", flat=True).first()
    return SimpleNamespace(
        users=staff, estate=estate, portal=portal, news=news, item=item, citizen=citizen, audit_entry=audit_entry
    )


@dataclass(frozen=True)
class Attempt:
    label: str
    method: str
    url: str  # formatted with the ``people`` namespace (``{p.portal.pk}``)
    allowed: frozenset[str]
    data: dict = field(default_factory=dict)
    api: bool = False


def attempt(label, url, allowed, method="GET", data=None, api=False):
    return Attempt(label, method, url, frozenset(allowed), data or {}, api)


MATRIX = [
    attempt("管理后台首页", "/admin/", EVERYONE_WITH_A_ROLE),
    attempt("用户管理", "/admin/users/", {"system_admin"}),
    attempt("用户组与权限", "/admin/groups/", {"system_admin"}),
    attempt("站点设置", "/admin/sites/", {"system_admin"}),
    attempt("网站名录", "/admin/registry/sites/", REGISTRY | {"system_admin"}),
    attempt("审批待办", "/admin/registry/inbox/", {"supervisor", "city_supervisor", "institution_head"}),
    attempt("批量导入名录", "/admin/registry-import/", {"supervisor", "system_admin"}),
    attempt("导出名录", "/admin/registry-import/export/", REGISTRY | {"system_admin"}),
    attempt("信息资源库", "/admin/content/library/", EDITORIAL | {"supervisor", "system_admin"}),
    attempt(
        "修改本站草稿",
        "/admin/content/items/{p.item.pk}/edit/",
        {"editor", "site_admin"},
        method="POST",
        data={"title": "矩阵测试改标题"},
    ),
    attempt("新建本站信息", "/admin/content/new/{p.news.pk}/article/", {"editor", "site_admin"}),
    attempt("本站人员", "/admin/content/sites/{p.portal.pk}/staff/", {"site_admin", "supervisor"}),
    attempt(
        "网站发布状态", "/admin/publishing/site/{p.portal.pk}/", {"site_admin", "supervisor", "city_supervisor", "system_admin"}
    ),
    attempt(
        "重建网站",
        "/admin/publishing/site/{p.portal.pk}/rebuild/",
        {"site_admin", "supervisor", "city_supervisor"},
        method="POST",
        data={"reason": "模板更新"},
    ),
    # the three separated duties and their pages
    attempt("审计日志", "/admin/audit/", {"auditor"}),
    attempt("审计日志详情", "/admin/audit/{p.audit_entry}/", {"auditor"}),
    attempt("导出审计日志", "/admin/audit/export.csv", {"auditor"}),
    attempt("校验审计日志", "/admin/audit/verify/", {"auditor"}, method="POST"),
    attempt("账号锁定", "/admin/account-security/lockouts/", {"security_officer"}),
    attempt("双因素认证管理", "/admin/account-security/second-factors/", {"security_officer"}),
    attempt("安全概览", "/admin/security/", {"security_officer", "auditor", "supervisor", "city_supervisor"}),
    attempt("登记漏洞通报", "/admin/security/notices/new/", {"security_officer"}),
    attempt("登记仿冒网站", "/admin/security/counterfeit/new/", {"security_officer"}),
    attempt("个人信息检索", "/admin/privacy/", {"security_officer"}),
    attempt("个人信息记录", "/admin/privacy/{p.citizen.pk}/", {"security_officer", "message_handler"}),
    attempt(
        "查看完整个人信息",
        "/admin/privacy/{p.citizen.pk}/unmask/",
        {"security_officer", "message_handler"},
        method="POST",
        data={"reason": "回复留言需电话联系"},
    ),
    attempt("删除个人信息", "/admin/privacy/{p.citizen.pk}/erase/", {"security_officer"}),
    attempt(
        "接口：他单位网站档案",
        "/api/v1/registry/sites/{p.estate.stats_site.pk}",
        REGISTRY | {"system_admin"},
        api=True,
    ),
    attempt(
        "接口：本站草稿",
        "/api/v1/content/items/{p.item.pk}",
        EDITORIAL - {"other_site_editor"} | {"supervisor", "system_admin"},
        api=True,
    ),
    attempt(
        "接口：在本站新建信息",
        "/api/v1/content/items",
        {"editor", "site_admin"},
        method="POST",
        data={"site": "{p.portal.pk}", "column": "{p.news.pk}", "title": "矩阵测试", "body": "<p>正文</p>"},
        api=True,
    ),
    # the interaction back office: the inbox for everyone with a part in it, the figures for overseers
    attempt("留言办理", "/admin/interaction/messages/", {"message_handler", "supervisor", "city_supervisor"}),
    attempt("留言统计", "/admin/interaction/statistics/",
            {"message_handler", "supervisor", "city_supervisor", "system_admin"}),
    attempt("互动回应考核", "/admin/interaction/veto/", {"message_handler", "supervisor", "city_supervisor", "system_admin"}),
    attempt("征集调查", "/admin/interaction/columns/surveys/", {"message_handler"}),
    attempt("在线访谈", "/admin/interaction/columns/interviews/", {"message_handler"}),
    # supervision (网站监管): supervisors of the area; a site manager reads their own site's results
    attempt("网站监管总览", "/admin/monitoring/", MONITORING_READERS),
    attempt("监测问题", "/admin/monitoring/findings/", MONITORING_READERS),
    attempt("网站监测情况", "/admin/monitoring/sites/{p.estate.stats_site.pk}/", MONITORING_READERS),
    attempt("检查批次", "/admin/monitoring/censuses/", MONITORING_READERS),
    attempt("违规记录", "/admin/monitoring/violations/", MONITORING_READERS),
    # invalid data: past the permission gate the form refuses it (400), so no census is started
    attempt("发起网站检查", "/admin/monitoring/censuses/start/", {"supervisor", "city_supervisor"}, method="POST",
            data={"kind": "无此类型"}),
    attempt("登记违规情况", "/admin/monitoring/sites/{p.estate.stats_site.pk}/violations/",
            {"supervisor", "city_supervisor"}, method="POST", data={"kind": "fees"}),
]


def _fill(value, p):
    if isinstance(value, str):
        filled = value.format(p=p)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, p) for k, v in value.items()}
    return value


def allowed(response) -> bool:
    """Past the permission gate: a page, a created object, or a validation error (400) about the
    data sent; refused is 401/403/404/405 or a redirect to the login page or the dashboard."""
    if response.status_code in (200, 201, 400):
        return True
    if response.status_code == 302:
        # Wagtail answers a refused admin page by sending the user to the dashboard.
        target = response.headers.get("Location", "")
        return target != "/admin/" and "login" not in target and "mfa" not in target
    return False


def send(user, a: Attempt, p):
    url, data = _fill(a.url, p), _fill(a.data, p)
    if a.api:
        _, token = APIToken.create_token(user=user, name="matrix")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        if a.method == "GET":
            return client.get(url)
        return client.generic(a.method, url, data=__import__("json").dumps(data), content_type="application/json")
    client = Client()
    client.force_login(user)
    return client.get(url) if a.method == "GET" else client.post(url, data)


@pytest.mark.rule("SEC-02")
@pytest.mark.parametrize("a", MATRIX, ids=[a.label for a in MATRIX])
def test_each_role_reaches_exactly_what_its_duties_need(people, a):
    wrong = []
    for role in ROLES:
        response = send(people.users[role], a, people)
        got = allowed(response)
        if got != (role in a.allowed):
            wrong.append(f"{role}: {'allowed' if got else 'refused'} ({response.status_code})")
        assert response.status_code < 500, f"{role} → {response.status_code}"
    assert not wrong, f"{a.label} {a.method} {a.url}: " + "; ".join(wrong)
