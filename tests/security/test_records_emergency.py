"""SEC-06: emergency plans count as filed only when filed with both the supervising office and
the cyberspace office; drills are overdue after the profile's interval; incidents keep a timeline
and are closed only once reported; an integrity incident of the publisher opens an incident."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites import clock as govclock
from govsites.audit.models import AuditLogEntry
from govsites.content.columns import ColumnType
from govsites.publishing import paths
from govsites.publishing.integrity import check_site
from govsites.publishing.models import IncidentStatus, IntegrityIncident
from govsites.publishing.pipeline import publish_site
from govsites.security import overview
from govsites.security.actions import (
    AddNote,
    AdvanceIncident,
    CloseIncident,
    OpenIncident,
    RecordDrill,
    RecordIncidentReport,
    RecordPlan,
    RecordPlanFiling,
    RecordRemedy,
)
from govsites.security.models import EmergencyPlan, Incident, IncidentKind, IncidentState
from tests.publishing.conftest import fill
from tests.security.records_helpers import act, plan_file


def record_plan(estate, version="2026版", **extra):
    return RecordPlan(
        act(estate.security_officer), estate.stats, site=None, title="青岚市统计局网站安全应急预案",
        version=version, document=plan_file(), adopted_on=dt.date(2026, 1, 10), **extra,
    ).execute()


@pytest.mark.rule("SEC-06")
def test_a_plan_counts_as_filed_only_with_both_filing_dates(estate, clock, settings, tmp_path):
    settings.GOVSITES_PRIVATE_FILES_ROOT = tmp_path
    plan = record_plan(estate)
    site = estate.stats_site
    assert not plan.is_filed and overview.security_overview(site)["plan"] == plan
    assert overview.security_overview(site)["plan_filed"] is False

    RecordPlanFiling(act(estate.security_officer), plan, authority="supervisor", filed_on=dt.date(2026, 1, 20),
                     reference="青府办备〔2026〕3号").execute()
    plan.refresh_from_db()
    assert not plan.is_filed and overview.security_overview(site)["plan_filed"] is False

    RecordPlanFiling(act(estate.security_officer), plan, authority="cyberspace", filed_on=dt.date(2026, 2, 1)).execute()
    plan.refresh_from_db()
    assert plan.is_filed and overview.security_overview(site)["plan_filed"] is True
    assert AuditLogEntry.objects.filter(action="security.plan.filing", object_id=str(plan.pk)).count() == 2
    assert plan.document.read().startswith(b"%PDF")
    # kept in the private folder, which no URL serves
    assert plan.document.path.startswith(str(tmp_path)) and plan.document.path.endswith(".pdf")
    with pytest.raises(ValueError):
        plan.document.url  # noqa: B018


@pytest.mark.rule("SEC-06")
def test_a_new_plan_version_supersedes_the_current_one(estate, clock, settings, tmp_path):
    settings.GOVSITES_PRIVATE_FILES_ROOT = tmp_path
    first = record_plan(estate, filed_with_supervisor_on=dt.date(2026, 1, 20),
                        filed_with_cyberspace_on=dt.date(2026, 1, 21))
    with pytest.raises(ValidationError, match="已有此版本号"):
        record_plan(estate)
    second = record_plan(estate, version="2026修订版")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    # the new version must be filed again
    assert overview.security_overview(estate.stats_site)["plan_filed"] is False
    with pytest.raises(ValidationError, match="备案日期不能早于预案印发日期"):
        RecordPlanFiling(act(estate.security_officer), second, authority="cyberspace",
                         filed_on=dt.date(2025, 12, 1)).execute()


@pytest.mark.rule("SEC-06")
@pytest.mark.parametrize("profile_name", ["national", "chongqing"])
def test_a_drill_is_overdue_after_the_profile_interval(estate, clock, profile, profile_name):
    profile(profile_name)
    site = estate.stats_site
    assert overview.security_overview(site)["drill_overdue"] is True  # never drilled
    RecordDrill(act(estate.security_officer), estate.stats, site=None, held_on=dt.date(2026, 2, 27),
                scenario="首页被篡改", participants="网站管理员、运维人员、安全管理员", findings="恢复用时偏长").execute()
    info = overview.security_overview(site)
    assert info["drill_overdue"] is False and info["drill_due"] == dt.date(2027, 2, 27)
    clock.set(dt.date(2027, 2, 27))
    assert overview.security_overview(site)["drill_overdue"] is False
    clock.set(dt.date(2027, 2, 28))
    assert overview.security_overview(site)["drill_overdue"] is True


@pytest.mark.rule("SEC-06")
def test_a_drill_of_another_institution_does_not_count(estate, clock):
    RecordDrill(act(estate.security_officer), estate.city, site=None, held_on=dt.date(2026, 2, 1),
                scenario="断网", participants="市政府办公室").execute()
    assert overview.security_overview(estate.stats_site)["drill_overdue"] is True
    assert overview.security_overview(estate.city_portal)["drill_overdue"] is False
    with pytest.raises(ValidationError, match="所选网站不属于该单位"):
        RecordDrill(act(estate.security_officer), estate.city, site=estate.stats_site, held_on=dt.date(2026, 2, 1),
                    scenario="断网", participants="x").execute()


@pytest.mark.rule("SEC-06")
def test_an_incident_has_a_timeline_and_is_closed_only_once_reported(estate, clock):
    officer = estate.security_officer
    incident = OpenIncident(act(officer), estate.stats_site, kind=IncidentKind.DDOS, title="首页遭受DDoS攻击",
                            detected_at=govclock.at(2026, 3, 2, 8, 10)).execute()
    AdvanceIncident(act(officer), incident, IncidentState.CONTAINED, at=govclock.at(2026, 3, 2, 8, 40),
                    note="启用云防护清洗流量").execute()
    AddNote(act(officer), incident, "联系运营商封堵攻击源", occurred_at=govclock.at(2026, 3, 2, 8, 50)).execute()
    with pytest.raises(ValidationError, match="须先恢复"):
        CloseIncident(act(officer), incident).execute()
    AdvanceIncident(act(officer), incident, IncidentState.RESOLVED, at=govclock.at(2026, 3, 2, 9, 0),
                    note="访问恢复正常").execute()
    with pytest.raises(ValidationError, match="向主管单位报告、向网信部门报告"):
        CloseIncident(act(officer), incident).execute()
    RecordIncidentReport(act(officer), incident, authority="supervisor", reported_on=dt.date(2026, 3, 2)).execute()
    RecordIncidentReport(act(officer), incident, authority="cyberspace", reported_on=dt.date(2026, 3, 2)).execute()
    CloseIncident(act(officer), incident, "处置完毕").execute()

    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED and not incident.is_open
    lines = [(govclock.local(e.occurred_at).strftime("%H:%M"), e.state, e.text) for e in incident.timeline.all()]
    assert [line[:2] for line in lines[:4]] == [("08:10", "open"), ("08:40", "contained"), ("08:50", ""),
                                                ("09:00", "resolved")]
    assert lines[2][2] == "联系运营商封堵攻击源"
    assert lines[-1][1] == "closed"
    assert all(e.actor == officer for e in incident.timeline.all())
    with pytest.raises(ValidationError, match="不能晚于现在"):
        AddNote(act(officer), incident, "未来", occurred_at=govclock.at(2026, 3, 3)).execute()


@pytest.mark.rule("SEC-08")
def test_a_personal_data_leak_is_closed_only_when_remedied_and_reported_to_the_police(estate, clock):
    officer = estate.security_officer
    leak = OpenIncident(act(officer), estate.stats_site, kind=IncidentKind.DATA_LEAK, title="留言用户信息泄露",
                        detected_at=govclock.at(2026, 3, 1, 10), personal_data=True).execute()
    AdvanceIncident(act(officer), leak, IncidentState.RESOLVED, note="关闭导出接口").execute()
    for authority in ("supervisor", "cyberspace"):
        RecordIncidentReport(act(officer), leak, authority=authority, reported_on=dt.date(2026, 3, 1)).execute()
    with pytest.raises(ValidationError, match="【SEC-08】结案前还须：向公安机关报告、登记补救措施完成日期"):
        CloseIncident(act(officer), leak).execute()
    RecordRemedy(act(officer), leak, remedied_on=dt.date(2026, 3, 2), note="通知受影响用户，重置凭据").execute()
    RecordIncidentReport(act(officer), leak, authority="public_security", reported_on=dt.date(2026, 3, 2)).execute()
    CloseIncident(act(officer), leak).execute()
    leak.refresh_from_db()
    assert leak.state == IncidentState.CLOSED and leak.remedied_on == dt.date(2026, 3, 2)


@pytest.mark.rule("SEC-06")
def test_an_integrity_incident_of_the_publisher_opens_an_incident(estate, clock, front):
    site = estate.stats_site
    fill(site, ColumnType.NEWS, 2)
    publish_site(site, full=True)
    root = front.path / paths.site_key(site)
    (root / "index.html").write_text("<h1>hacked</h1>", encoding="utf-8")

    [found] = check_site(site)

    incident = Incident.objects.get(site=site)
    assert incident.kind == IncidentKind.TAMPERING and list(incident.integrity_incidents.all()) == [found]
    assert incident.state == IncidentState.CONTAINED  # the watch restored the files
    texts = [e.text for e in incident.timeline.all()]
    assert "被篡改1个" in texts[0] and "已自动恢复" in texts[0]
    assert all(e.actor is None for e in incident.timeline.all())
    entry = AuditLogEntry.objects.get(action="security.incident.open", object_id=str(incident.pk))
    assert entry.site_ref == site.pk and entry.via == "system"

    # a second finding while the incident is open is linked to it, not a new incident
    (root / "index.html").write_text("<h1>again</h1>", encoding="utf-8")
    check_site(site)
    assert Incident.objects.filter(site=site).count() == 1
    assert incident.integrity_incidents.count() == 2


@pytest.mark.rule("SEC-06")
def test_a_failed_restore_leaves_the_incident_open(estate, clock):
    site = estate.stats_site
    IntegrityIncident.objects.create(site=site, target="s3", release=4, status=IncidentStatus.RESTORE_FAILED,
                                     modified=["index.html"], error="连接超时")
    incident = Incident.objects.get(site=site)
    assert incident.state == IncidentState.OPEN
    assert "自动恢复失败：连接超时" in incident.timeline.get().text
    assert EmergencyPlan.objects.count() == 0
