"""The test estate with a site in every lifecycle state, reached through the registry's actions.

Used by the browser tests and the admin view tests, so both see the states the way real work
produces them (audit trail, announcements and checklists included).
"""

from __future__ import annotations

import datetime as dt

from govsites import clock
from govsites.accounts.models import Role
from govsites.registry.actions import (
    ApplyForPermanentOffline,
    ApplyForTemporaryOffline,
    ApplyToOpenSite,
    DecideStep,
    RegisterSite,
    ReportOutage,
)
from govsites.registry.models import OutageCause, SiteStatus, StepStatus
from tests.conftest import actor
from tests.factories import build_estate, department, user
from tests.registry.helpers import approve_all, approver_for


def open_application(manager, institution, name, domain, sponsor):
    site_data = {"name": name, "domain": domain, "sponsor_name": sponsor, "responsible_person": "李娜",
                 "responsible_phone": "0351-7654321"}
    return ApplyToOpenSite(actor(manager), institution, site_data=site_data, reason="依职能开设政府网站").execute()


def decide_pending(application, *, approve=True, comment="同意"):
    step = application.steps.get(status=StepStatus.PENDING)
    DecideStep(actor(approver_for(step)), step, approve=approve, comment=comment).execute()


def lifecycle_estate():
    """``build_estate()`` plus: every SiteStatus on some site, and an application in the province inbox."""
    e = build_estate()
    today = clock.today()

    e.education_open = approve_all(open_application(
        e.education_manager, e.education, "澜川省教育厅网站", "jyt.lanchuan.gov.cn", "澜川省教育厅"))

    # Proposed, agreed by the head and the city office: waiting in the province office's inbox.
    e.water_open = open_application(e.water_manager, e.water, "青岚市水利局网站", "slj.qinglan.gov.cn", "青岚市水利局")
    decide_pending(e.water_open)
    decide_pending(e.water_open)

    e.new_county_open = open_application(
        e.new_county_manager, e.new_county, "石泉县人民政府门户网站", "www.shiquan.gov.cn", "石泉县人民政府办公室")

    e.finance = department("澜川省财政厅", e.province, short_name="省财政厅")
    e.finance_manager = user("finance_manager", (Role.SITE_MANAGER, e.finance))
    e.finance_head = user("finance_head", (Role.INSTITUTION_HEAD, e.finance))
    e.finance_open = open_application(e.finance_manager, e.finance, "澜川省财政厅网站", "czt.lanchuan.gov.cn", "澜川省财政厅")
    decide_pending(e.finance_open)
    decide_pending(e.finance_open, approve=False, comment="职能已并入门户网站专栏，不再单独开设")

    approve_all(ApplyForTemporaryOffline(
        actor(e.stats_manager), e.stats_site, start_date=today, end_date=today + dt.timedelta(days=7),
        reason="机房搬迁，暂停服务").execute())

    approve_all(ReportOutage(
        actor(e.province_office), e.dev_reform_site, cause=OutageCause.FORCE_MAJEURE, start_date=today,
        end_date=today + dt.timedelta(days=1), reason="机房断电").execute())

    e.county_edu_head = user("county_edu_head", (Role.INSTITUTION_HEAD, e.county_edu))
    e.county_edu_site = RegisterSite(actor(e.county_office), e.county_edu, data={
        "name": "溪口县教育局网站", "domain": "jyj.xikou.gov.cn", "site_code": "bm99121050",
        "sponsor_name": "溪口县教育局", "responsible_person": "赵敏",
    }).execute()
    approve_all(ApplyForPermanentOffline(
        actor(e.county_office), e.county_edu_site, migration_target=e.county_portal,
        safeguards="栏目内容整体迁入县政府门户网站", reason="县级部门不再单独开设网站（集约化整合）").execute())

    e.hydrology_site = RegisterSite(actor(e.city_office), e.hydrology, status=SiteStatus.CLOSED, data={
        "name": "青岚市水利局水文站网站", "domain": "swz.qinglan.gov.cn", "sponsor_name": "青岚市水利局水文站",
        "responsible_person": "钱进",
    }).execute()

    for name in ("stats_site", "dev_reform_site", "county_edu_site"):
        getattr(e, name).refresh_from_db()
    return e
