"""Change filings (REG-16): filed with the supervisor, applied on approval, domain change announced."""

import pytest
from django.core.exceptions import ValidationError

from govsites.audit.models import AuditLogEntry
from govsites.registry.actions import FileChange
from govsites.registry.models import Announcement, AnnouncementKind, Application, NationalReport, Site
from tests.conftest import actor
from tests.registry.helpers import approve_all


def file_change(estate, changes, reason="机构调整"):
    return FileChange(actor(estate.stats_manager), estate.stats_site, changes=changes, reason=reason).execute()


@pytest.mark.rule("REG-16")
def test_change_of_responsible_person_is_filed_and_applied(estate, clock):
    application = file_change(estate, {"responsible_person": "李娜", "contact_phone": "0351-5550100",
                                       "structure_note": "新增“统计数据”一级栏目"})
    # filed with the direct supervisor: the city government office
    assert [s.institution for s in application.steps.all()] == [estate.city]
    site = Site.objects.get(pk=estate.stats_site.pk)
    assert site.responsible_person == "王伟"  # nothing changes before approval
    approve_all(application)
    site.refresh_from_db()
    assert site.responsible_person == "李娜" and site.contact_phone == "0351-5550100"
    entry = AuditLogEntry.objects.filter(site_ref=site.pk, action="registry.site.change").get()
    assert entry.changes["responsible_person"] == {"before": "王伟", "after": "李娜"}
    assert entry.changes["structure_note"]["after"] == "新增“统计数据”一级栏目"
    assert entry.reason == "机构调整"
    assert NationalReport.objects.filter(site=site, kind="change").exists()


@pytest.mark.rule("REG-16")
def test_domain_change_is_announced_on_the_old_site(estate, clock):
    approve_all(file_change(estate, {"domain": "stats.qinglan.gov.cn"}))
    site = Site.objects.get(pk=estate.stats_site.pk)
    assert site.domain == "stats.qinglan.gov.cn"
    notice = Announcement.objects.get(site=site, kind=AnnouncementKind.DOMAIN_CHANGE)
    assert notice.host_site == site
    assert "tjj.qinglan.gov.cn" in notice.body and "stats.qinglan.gov.cn" in notice.body


@pytest.mark.rule("REG-16")
def test_change_filing_is_validated_like_an_application(estate, clock):
    before = Application.objects.count()
    with pytest.raises(ValidationError, match="REG-07"):
        file_change(estate, {"domain": "stats.lanchuan.gov.cn"})
    with pytest.raises(ValidationError, match="没有需要备案的变更内容"):
        file_change(estate, {"responsible_person": "王伟"})
    with pytest.raises(ValidationError, match="不能通过变更备案修改"):
        file_change(estate, {"site_code": "9901000001"})
    with pytest.raises(ValidationError, match="变更原因"):
        file_change(estate, {"responsible_person": "李娜"}, reason="")
    assert Application.objects.count() == before


@pytest.mark.rule("REG-16")
def test_change_is_revalidated_when_approved(estate, clock):
    from tests.factories import site

    application = file_change(estate, {"domain": "stats.qinglan.gov.cn"})
    site(estate.water, "stats.qinglan.gov.cn")  # someone took the domain meanwhile
    with pytest.raises(ValidationError, match="已被其他网站使用"):
        approve_all(application)
    application.refresh_from_db()
    assert application.status == "pending"  # the failing decision left no trace
    assert Site.objects.get(pk=estate.stats_site.pk).domain == "tjj.qinglan.gov.cn"
