"""Generating and publishing reports: who may, what is stored and audited, and the report pages on
the supervising government's portal (through the real publishing pipeline to a temporary front)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor
from govsites.audit.models import AuditLogEntry
from govsites.content.sites import ensure_site_tree
from govsites.publishing import paths
from govsites.publishing.models import PublishRequest
from govsites.publishing.pipeline import publish_site
from govsites.reports import outputs
from govsites.reports.actions import GenerateReport, PublishReport, SaveAnnualFacts, WithdrawReport
from govsites.reports.models import AnnualReportFacts, Report, ReportKind

from .estate import census, report_estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock):
    clock.set(govclock.at(2026, 12, 3, 9, 0))
    return report_estate()


def generate(user, kind=ReportKind.MONTHLY, period="2026-11", scope=None, e=None) -> Report:
    return GenerateReport(Actor.cli(user), kind, period, scope).execute()


def page(front, site, path: str) -> str:
    return (front.path / paths.site_key(site) / path).read_text()


@pytest.mark.rule("SUP-01")
def test_a_supervisor_generates_a_report_which_is_stored_and_audited(e, profile):
    profile("shanxi")
    report = generate(e.province_office, scope=e.province)
    assert report.title == "澜川省2026年11月政府网站普查情况报告" and report.revision == 1
    assert report.due_on == dt.date(2026, 12, 6) and report.data["due_on"] == "2026-12-06"
    assert report.generated_by == e.province_office and not report.is_published
    again = generate(e.province_office, scope=e.province)
    assert again.pk == report.pk and again.revision == 2
    entries = AuditLogEntry.objects.filter(action="reports.report.generate")
    assert sorted(entry.data["revision"] for entry in entries) == [1, 2]


def test_who_may_generate(e):
    with pytest.raises(NotAllowed):
        generate(e.city_office, scope=e.province)  # not the province's office
    with pytest.raises(NotAllowed):
        generate(e.water_head, scope=e.city)
    assert generate(e.city_office, scope=e.city).scope == e.city  # its own area
    assert generate(None, scope=e.province).generated_by is None  # the CLI / scheduler


@pytest.mark.parametrize(("kind", "period", "scope", "message"), [
    (ReportKind.MONTHLY, "2027-01", "province", {"period": ["2027年1月尚未开始，不能生成报表。"]}),
    (ReportKind.MONTHLY, "11/2026", "province", {"period": ["报告期格式应为 2026-11。"]}),
    (ReportKind.MONTHLY, "2026-11", "education", {"scope": ["监管单位须为人民政府（其办公厅、室承担网站监管职责）。"]}),
])
def test_bad_requests_are_refused_and_nothing_is_stored(e, kind, period, scope, message):
    with pytest.raises(ValidationError) as refused:
        generate(None, kind=kind, period=period, scope=getattr(e, scope))
    assert refused.value.message_dict == message
    assert not Report.objects.exists()


@pytest.mark.rule("SUP-01")
@pytest.mark.rule("SUP-02")
def test_publishing_puts_the_report_and_an_index_on_the_supervising_governments_portal(e, front):
    ensure_site_tree(e.province_portal)
    publish_site(e.province_portal, full=True)
    monthly = generate(e.province_office, scope=e.province)
    quarterly = generate(e.province_office, kind=ReportKind.QUARTERLY, period="2026-Q4", scope=e.province)
    PublishReport(Actor.cli(e.province_office), monthly).execute()
    PublishReport(Actor.cli(e.province_office), quarterly).execute()
    assert PublishRequest.objects.filter(site=e.province_portal, reason__endswith=outputs.NAME).exists()
    publish_site(e.province_portal)

    html = page(front, e.province_portal, "jiandu/monthly/2026-11.html")
    assert "<title>澜川省2026年11月政府网站普查情况报告 - 澜川省人民政府</title>" in html
    assert '<meta name="ColumnName" content="政府网站监管">' in html
    assert "<dt>合格率</dt><dd>66.7%</dd>" in html and "<svg" in html and 'role="img"' in html
    assert "<script>" not in html and " style=" not in html
    stylesheet = outputs.stylesheet_page()
    assert f'<link rel="stylesheet" href="../{stylesheet.removeprefix("jiandu/")}">' in html
    assert ".report-figure-item" in page(front, e.province_portal, stylesheet)
    bulletin = page(front, e.province_portal, "jiandu/quarterly/2026-Q4.html")
    assert "不合格网站名单" in bulletin and e.county_portal.name in bulletin
    index = page(front, e.province_portal, "jiandu/index.html")
    assert 'href="monthly/2026-11.html"' in index and 'href="quarterly/2026-Q4.html"' in index
    assert "月度普查报告" in index and "监管年度报表" in index
    entry = AuditLogEntry.objects.get(action="reports.report.publish", object_id=str(monthly.pk))
    assert entry.data["path"] == "jiandu/monthly/2026-11.html"


def test_the_published_page_changes_only_when_published_again(e, front):
    ensure_site_tree(e.province_portal)
    report = generate(e.province_office, scope=e.province)
    PublishReport(Actor.cli(e.province_office), report).execute()
    publish_site(e.province_portal, full=True)
    path = outputs.report_page(report)
    assert "<dt>合格</dt><dd>4</dd>" in page(front, e.province_portal, path)

    census("monthly", govclock.at(2026, 11, 28), [(e.dev_reform_site, False, 50, [])])  # a late failure
    report = generate(e.province_office, scope=e.province)
    assert report.changed_since_published and report.data["summary"][2]["value"] == 3
    publish_site(e.province_portal, full=True)
    assert "<dt>合格</dt><dd>4</dd>" in page(front, e.province_portal, path)  # the portal keeps what was published

    PublishReport(Actor.cli(e.province_office), report).execute()
    publish_site(e.province_portal)
    assert "<dt>合格</dt><dd>3</dd>" in page(front, e.province_portal, path)
    with pytest.raises(ValidationError, match="该报表已发布，且发布后未重新生成。"):
        PublishReport(Actor.cli(e.province_office), Report.objects.get(pk=report.pk)).execute()


@pytest.mark.rule("SUP-02")
def test_the_newest_annual_report_is_linked_prominently_on_the_portal_home_page(e, front):
    ensure_site_tree(e.province_portal)
    publish_site(e.province_portal, full=True)
    assert 'class="highlights"' not in page(front, e.province_portal, paths.HOME)
    monthly = generate(e.province_office, scope=e.province)
    PublishReport(Actor.cli(e.province_office), monthly).execute()
    publish_site(e.province_portal)
    assert 'class="highlights"' not in page(front, e.province_portal, paths.HOME)  # monthly reports are not

    older = generate(e.province_office, kind=ReportKind.ANNUAL, period="2025", scope=e.province)
    PublishReport(Actor.cli(e.province_office), older).execute()
    publish_site(e.province_portal)  # only the reports' outputs are queued: the home page follows
    home = page(front, e.province_portal, paths.HOME)
    assert ('<a href="jiandu/annual/2025.html"><span class="highlight-kind">政府网站监管年度报表</span>'
            f"{older.title}</a>") in home
    newer = generate(e.province_office, kind=ReportKind.ANNUAL, period="2026", scope=e.province)
    PublishReport(Actor.cli(e.province_office), newer).execute()
    publish_site(e.province_portal)
    home = page(front, e.province_portal, paths.HOME)
    assert 'href="jiandu/annual/2026.html"' in home and 'href="jiandu/annual/2025.html"' not in home
    assert home.index('class="highlights"') < home.index('class="blocks"')  # above the content blocks
    other_home = front.path / paths.site_key(e.city_portal) / paths.HOME
    assert not other_home.exists() or "jiandu/" not in other_home.read_text()


@pytest.mark.rule("SUP-02")
def test_a_withdrawn_report_leaves_the_portal_and_can_be_published_again(e, front):
    ensure_site_tree(e.province_portal)
    report = generate(e.province_office, kind=ReportKind.ANNUAL, period="2026", scope=e.province)
    PublishReport(Actor.cli(e.province_office), report).execute()
    publish_site(e.province_portal, full=True)
    site_dir = front.path / paths.site_key(e.province_portal)
    assert (site_dir / "jiandu/annual/2026.html").exists()

    with pytest.raises(ValidationError) as refused:
        WithdrawReport(Actor.cli(e.province_office), report, "  ").execute()
    assert refused.value.message_dict == {"reason": ["请填写撤回原因。"]}
    with pytest.raises(ValidationError) as refused:
        WithdrawReport(Actor.cli(e.province_office), report, "长" * 501).execute()
    assert refused.value.message_dict == {"reason": ["撤回原因不能超过500个字。"]}
    with pytest.raises(NotAllowed):
        WithdrawReport(Actor.cli(e.city_office), report, "数据有误").execute()
    assert Report.objects.get(pk=report.pk).is_published  # refused: nothing changed

    withdrawn = WithdrawReport(Actor.cli(e.province_office), report, "培训人次填报有误").execute()
    assert not withdrawn.is_published and withdrawn.withdrawal_reason == "培训人次填报有误"
    assert withdrawn.withdrawn_by == e.province_office and withdrawn.published_site == e.province_portal
    entry = AuditLogEntry.objects.get(action="reports.report.withdraw")
    assert entry.reason == "培训人次填报有误" and entry.data["path"] == "jiandu/annual/2026.html"
    publish_site(e.province_portal)
    assert not (site_dir / "jiandu/annual/2026.html").exists() and not (site_dir / "jiandu/index.html").exists()
    assert "jiandu/" not in (site_dir / paths.HOME).read_text()
    with pytest.raises(ValidationError, match="该报表未在门户网站发布，无需撤回。"):
        WithdrawReport(Actor.cli(e.province_office), withdrawn, "再次撤回").execute()

    again = PublishReport(Actor.cli(e.province_office), Report.objects.get(pk=report.pk)).execute()
    assert again.is_published and again.withdrawn_at is None and again.withdrawal_reason == ""
    publish_site(e.province_portal)
    assert (site_dir / "jiandu/annual/2026.html").exists()
    assert 'href="jiandu/annual/2026.html"' in (site_dir / paths.HOME).read_text()


def test_a_report_cannot_be_published_without_a_hosted_portal(e):
    e.province_portal.hosted = False
    e.province_portal.save()
    report = generate(e.province_office, scope=e.province)
    with pytest.raises(ValidationError, match="门户网站未在本平台运行"):
        PublishReport(Actor.cli(e.province_office), report).execute()
    assert not Report.objects.get(pk=report.pk).is_published


@pytest.mark.rule("SUP-01")
def test_the_supervisor_fills_in_the_annual_reports_own_fields(e):
    SaveAnnualFacts(Actor.cli(e.province_office), e.province, 2026, {
        "accountable_persons": 3, "training_sessions": 2, "trained_persons": 150,
        "training_notes": "  举办全省政府网站业务培训2期。 ", "unit_head": "李明", "filled_on": dt.date(2027, 1, 5),
    }).execute()
    facts = AnnualReportFacts.objects.get(scope=e.province, year=2026)
    assert facts.training_notes == "举办全省政府网站业务培训2期。" and facts.updated_by == e.province_office
    entry = AuditLogEntry.objects.get(action="reports.facts.save")
    assert entry.changes["accountable_persons"] == {"before": None, "after": 3}
    doc = generate(e.province_office, kind=ReportKind.ANNUAL, period="2026", scope=e.province).data
    filled = next(s for s in doc["sections"] if s["key"] == "filled")["table"]["rows"]
    assert filled[0] == ["问责人次", 3, "监管单位填报"] and filled[2] == ["培训人次", 150, "监管单位填报"]
    notes = dict((r[0], r[1]) for r in next(s for s in doc["sections"] if s["key"] == "explanations")["table"]["rows"])
    assert notes["培训情况说明"] == "举办全省政府网站业务培训2期。" and notes["抽查情况说明"] == "未填报"
    with pytest.raises(ValidationError) as refused:
        SaveAnnualFacts(Actor.cli(e.province_office), e.province, 2026, {"accountable_persons": -1}).execute()
    assert refused.value.message_dict == {"accountable_persons": ["请填写0至1000000之间的整数。"]}
    with pytest.raises(NotAllowed):
        SaveAnnualFacts(Actor.cli(e.city_office), e.province, 2026, {"accountable_persons": 1}).execute()
    with pytest.raises(NotAllowed):
        SaveAnnualFacts(Actor.cli(None), e.province, 2026, {"accountable_persons": 1}).execute()
