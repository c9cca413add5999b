"""The registry admin (网站注册管理) through the Django test client: access, lists, forms, approvals."""

import datetime as dt
import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections
from django.test import Client
from django.urls import reverse

from govsites.accounts.models import ADMIN_USERS_GROUP, Role
from govsites.audit.models import AuditLogEntry
from govsites.registry.actions import ApplyForTemporaryOffline, ApplyToOpenSite, DecideStep, RegisterSite
from govsites.registry.models import (
    Application,
    ApplicationStatus,
    Checklist,
    Site,
    SiteStatus,
    StepStatus,
)
from tests.conftest import actor
from tests.e2e.estate import lifecycle_estate
from tests.factories import build_estate, department, government, site, user
from tests.registry.helpers import approve_all

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"registry:{name}", args=args)


def as_user(client, account):
    client.force_login(account)
    return client


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m).strip() for m in response.context["messages"]] if response.context else []


def water_site_data(**overrides):
    return {"purpose": "institution", "name": "青岚市水利局网站", "domain": "slj.qinglan.gov.cn",
            "sponsor_name": "青岚市水利局", "responsible_person": "张强", "responsible_phone": "0351-7654321",
            "hosted": "on", "reason": "依职能开设部门网站", **overrides}


def open_for_water(e):
    return ApplyToOpenSite(actor(e.water_manager), e.water, reason="开设", site_data={
        "name": "青岚市水利局网站", "domain": "slj.qinglan.gov.cn", "sponsor_name": "青岚市水利局",
        "responsible_person": "张强",
    }).execute()


# -- who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "target", "status"),
    [
        ("province_office", "site_index", 200),
        ("water_manager", "site_index", 200),
        ("province_office", "institution_index", 200),
        ("stats_manager", "application_index", 200),
        ("province_office", "inbox", 200),
        ("water_head", "inbox", 200),
        ("water_manager", "inbox", 403),
        ("city_office", "estate_tree", 200),
        ("water_manager", "estate_tree", 403),
        ("county_office", "missing_portals", 200),
        ("stats_head", "missing_portals", 403),
        ("water_manager", "application_new", 200),
        ("water_manager", "apply_open", 200),
    ],
)
def test_views_render_for_their_roles_and_refuse_others(client, estate, username, target, status):
    response = as_user(client, getattr(estate, username)).get(url(target))
    assert response.status_code == status
    if status == 403:
        assert "您没有访问此页面的权限" in text(response)


def test_object_pages_render_for_their_roles_and_refuse_others(client, estate):
    city_office = as_user(Client(), estate.city_office)
    stats_manager = as_user(client, estate.stats_manager)
    stats_page = url("site_detail", estate.stats_site.pk)
    assert city_office.get(stats_page).status_code == 200
    assert stats_manager.get(stats_page).status_code == 200
    refused = stats_manager.get(url("site_detail", estate.province_portal.pk))
    assert refused.status_code == 403 and "您无权查看该网站" in text(refused)
    assert stats_manager.get(url("apply_site", estate.stats_site.pk, "temporary-offline")).status_code == 200
    assert stats_manager.get(url("apply_site", estate.city_portal.pk, "change")).status_code == 403
    assert stats_manager.get(url("apply_open_for", estate.stats.pk)).status_code == 200
    assert stats_manager.get(url("apply_open_for", estate.water.pk)).status_code == 403
    assert stats_manager.get(url("apply_site", estate.stats_site.pk, "no-such-kind")).status_code == 404
    application = open_for_water(estate)
    assert stats_manager.get(url("application_detail", application.pk)).status_code == 403
    assert city_office.get(url("application_detail", application.pk)).status_code == 200


def test_a_user_without_registry_role_is_refused_even_with_admin_access(client, estate):
    estate.outsider.groups.add(Group.objects.get(name=ADMIN_USERS_GROUP))
    response = as_user(client, estate.outsider).get(url("site_index"))
    assert response.status_code == 403
    assert "您没有访问此页面的权限" in text(response)


def test_the_system_administrator_reads_everything_but_files_and_decides_nothing(client, estate):
    admin = get_user_model().objects.create_superuser("root", password="x")
    client = as_user(client, admin)
    assert len(client.get(url("site_index")).context["object_list"]) == Site.objects.count()
    assert client.get(url("estate_tree")).status_code == 200
    assert client.get(url("inbox")).status_code == 403
    assert "您没有可以提交申请的单位" in text(client.get(url("apply_open")))


def test_anonymous_users_are_sent_to_the_login_page(client, estate):
    response = client.get(url("site_index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_menu_and_dashboard_panel_in_chinese(client, estate, clock):
    open_for_water(estate)
    response = as_user(client, estate.water_head).get(reverse("wagtailadmin_home"))
    body = text(response)
    assert "网站注册管理" in body and "我的待审批（1）" in body and "开设网站：青岚市水利局网站" in body
    assert "开设申请中" in body and "运行中" in body


def csrf_tokens(response) -> list[str]:
    """The token of every POST form on the page (an empty one means a form that cannot be sent)."""
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', text(response))


def test_every_post_form_carries_the_csrf_token(clock):
    e = lifecycle_estate()
    pages = [
        (e.province_office, url("inbox"), 1),
        (e.province_office, url("application_detail", e.water_open.pk), 2),
        (e.county_office, url("site_detail", e.county_edu_site.pk), 1 + 4),
        (e.education_manager, url("site_detail", e.education_open.site.pk), 1 + 6),
        (e.stats_manager, url("site_detail", e.stats_site.pk), 1),
        (e.stats_manager, url("apply_site", e.stats_site.pk, "change"), 1),
    ]
    for account, address, forms in pages:
        client = as_user(Client(enforce_csrf_checks=True), account)
        tokens = csrf_tokens(client.get(address))
        assert len(tokens) == forms and all(tokens), address
    client = as_user(Client(enforce_csrf_checks=True), e.province_office)
    (token,) = csrf_tokens(client.get(url("inbox")))
    step = e.water_open.current_step
    response = client.post(url("decide", step.pk), {"decision": "approve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_posts_need_the_csrf_token(estate):
    client = as_user(Client(enforce_csrf_checks=True), estate.water_manager)
    response = client.post(url("apply_open_for", estate.water.pk), water_site_data())
    assert response.status_code == 403
    assert not Application.objects.exists()


# -- the site list ------------------------------------------------------------------------------


def listed(response) -> set[str]:
    return {site.name for site in response.context["object_list"]}


def test_site_list_shows_every_status_in_chinese(client, clock):
    e = lifecycle_estate()
    response = as_user(client, e.province_office).get(url("site_index"))
    body = text(response)
    for status in SiteStatus:
        assert f"gs-status--{status.value}" in body
        assert str(status.label) in body
    assert "待整合" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "temporarily_offline"}, {"青岚市统计局网站"}),
        ({"status": "closed"}, {"青岚市水利局水文站网站"}),
        ({"level": "county"}, {"石泉县人民政府门户网站", "青岚市溪口县人民政府", "溪口县教育局网站"}),
        ({"site_type": "portal", "level": "province"}, {"澜川省人民政府"}),
        ({"integration": "flagged"}, {"溪口县教育局网站"}),
        ({"hosted": "external"}, set()),
        ({"q": "fgw.lanchuan"}, {"澜川省发展和改革委员会网站"}),
        ({"q": "统计局"}, {"青岚市统计局网站"}),
        ({"q": "bm99121050"}, {"溪口县教育局网站"}),
    ],
)
def test_site_list_filters_and_search(client, clock, query, expected):
    e = lifecycle_estate()
    response = as_user(client, e.province_office).get(url("site_index"), query)
    assert response.status_code == 200
    assert listed(response) == expected


def test_region_filter_takes_the_whole_area_of_a_government(client, clock):
    e = lifecycle_estate()
    response = as_user(client, e.province_office).get(url("site_index"), {"region": e.county.pk})
    assert listed(response) == {"青岚市溪口县人民政府", "溪口县教育局网站"}
    results = client.get(url("site_index_results"), {"region": e.city.pk, "status": "online"})
    assert listed(results) == {"青岚市人民政府", "青岚市溪口县人民政府"}


def test_site_list_shows_only_visible_sites(client, estate):
    response = as_user(client, estate.stats_manager).get(url("site_index"))
    assert listed(response) == {"青岚市统计局网站"}
    response = as_user(client, estate.county_office).get(url("site_index"))
    assert listed(response) == {"青岚市溪口县人民政府"}
    assert client.get(url("site_index"), {"export": "csv"})["Content-Type"].startswith("text/html")


def add_county_with_sites(parent, code, count):
    county = government(f"测试{code}县人民政府", "county", code, parent, pinyin=f"t{code}")
    site(county, f"www.t{code}.gov.cn")
    for number in range(count):
        office = department(f"测试{code}县第{number}局", county)
        site(office, f"d{number}.t{code}.gov.cn", status=SiteStatus.CLOSED if number % 2 else SiteStatus.ONLINE)
    return county


def test_site_list_query_count_does_not_grow_with_the_estate(client, estate, django_assert_max_num_queries):
    supervisor = as_user(client, estate.province_office)
    add_county_with_sites(estate.city, "990131", 3)
    supervisor.get(url("site_index"))  # the session's first request stamps its activity (idle expiry)
    # 16 before the security menus (audit, security records, personal data, account security)
    with django_assert_max_num_queries(19) as small:
        assert supervisor.get(url("site_index"), {"region": estate.city.pk}).status_code == 200
    add_county_with_sites(estate.city, "990132", 60)
    with django_assert_max_num_queries(19) as large:
        response = supervisor.get(url("site_index"), {"region": estate.city.pk})
    assert len(response.context["object_list"]) == 50  # a full page
    assert len(large) == len(small)


# -- applications through the forms -------------------------------------------------------------


@pytest.mark.rule("REG-08")
def test_open_site_form_creates_the_application_and_the_proposed_site(client, estate, clock):
    response = as_user(client, estate.water_manager).post(url("apply_open_for", estate.water.pk), water_site_data())
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == url("application_detail", application.pk)
    assert application.kind == "open" and application.status == ApplicationStatus.PENDING
    assert application.site.status == SiteStatus.PROPOSED and application.site.domain == "slj.qinglan.gov.cn"
    assert [s.status for s in application.steps.all()] == ["pending", "waiting", "waiting"]
    assert AuditLogEntry.objects.filter(action="registry.application.submit", ip_address="127.0.0.1").exists()
    page = client.get(response["Location"])
    assert "申请已提交" in text(page) and "单位主要负责人同意" in text(page)


def test_user_input_is_escaped_everywhere(client, estate):
    evil = "青岚市水利局<script>alert(1)</script>"
    client = as_user(client, estate.water_manager)
    response = client.post(url("apply_open_for", estate.water.pk), water_site_data(name=evil), follow=True)
    application = Application.objects.get()
    pages = [response, client.get(url("site_detail", application.site.pk)), client.get(url("site_index")),
             client.get(url("application_index")), as_user(Client(), estate.water_head).get(url("inbox"))]
    for page in pages:
        assert "<script>alert(1)" not in text(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text(page)


@pytest.mark.rule("REG-07")
def test_open_site_form_suggests_pinyin_domains_and_refuses_a_bad_one(client, estate):
    client = as_user(client, estate.water_manager)
    form_page = client.get(url("apply_open_for", estate.water.pk))
    assert 'value="slj.qinglan.gov.cn"' in text(form_page)
    assert 'list="domain-suggestions"' in text(form_page)
    response = client.post(url("apply_open_for", estate.water.pk), water_site_data(domain="www.slj.com"))
    assert response.status_code == 200
    assert "【REG-07】" in " ".join(response.context["form"].errors["domain"])
    assert not Site.objects.filter(institution=estate.water).exists()


@pytest.mark.rule("REG-03")
def test_township_application_is_refused_with_the_rule_and_nothing_is_saved(client, estate):
    client = as_user(client, estate.county_office)
    form_page = client.get(url("apply_open_for", estate.township.pk))
    assert "【REG-03】" in text(form_page)  # told before filling in
    audit_before = AuditLogEntry.objects.count()
    response = client.post(url("apply_open_for", estate.township.pk), water_site_data(
        name="溪口县桃源镇人民政府", domain="www.taoyuan.gov.cn", sponsor_name="桃源镇人民政府"))
    assert response.status_code == 200
    assert any(e.startswith("【REG-03】乡镇政府") for e in response.context["form"].non_field_errors())
    assert "申请未提交" in " ".join(messages_of(response))
    assert not Application.objects.exists()
    assert not Site.objects.filter(institution=estate.township).exists()
    assert AuditLogEntry.objects.count() == audit_before


@pytest.mark.rule("REG-04")
def test_event_site_is_refused_in_favour_of_a_special_topic(client, estate):
    response = as_user(client, estate.water_manager).post(
        url("apply_open_for", estate.water.pk), water_site_data(purpose="event"))
    assert "【REG-04】" in " ".join(response.context["form"].non_field_errors())
    assert not Application.objects.exists()


@pytest.mark.rule("REG-08")
def test_chongqing_profile_asks_for_the_materials(client, estate, profile):
    profile("chongqing")
    client = as_user(client, estate.education_manager)
    form_page = client.get(url("apply_open_for", estate.education.pk))
    for label in ("责任分工", "内容及保密审查机制", "安全防护措施", "应急响应预案"):
        assert label in text(form_page)
    data = water_site_data(name="澜川省教育厅网站", domain="jyt.lanchuan.gov.cn", sponsor_name="澜川省教育厅",
                           responsibilities="办公室负责")
    response = client.post(url("apply_open_for", estate.education.pk), data)
    errors = " ".join(response.context["form"].non_field_errors())
    assert "【REG-08】" in errors and "应急响应预案" in errors
    assert not Application.objects.exists()
    materials = {"review_mechanism": "三审三校", "security_measures": "等保三级", "emergency_plan": "应急预案"}
    response = client.post(url("apply_open_for", estate.education.pk), {**data, **materials})
    assert response.status_code == 302
    assert Application.objects.get().materials["emergency_plan"] == "应急预案"


@pytest.mark.rule("REG-12")
def test_second_temporary_offline_in_a_year_is_refused(client, estate, clock):
    first = ApplyForTemporaryOffline(actor(estate.stats_manager), estate.stats_site, start_date=dt.date(2026, 3, 10),
                                     end_date=dt.date(2026, 3, 12), reason="机房搬迁").execute()
    approve_all(first)
    estate.stats_site.refresh_from_db()
    assert estate.stats_site.status == SiteStatus.ONLINE
    client = as_user(client, estate.stats_manager)
    response = client.post(url("apply_site", estate.stats_site.pk, "temporary-offline"), {
        "start_date": "2026-06-01", "end_date": "2026-06-03", "reason": "系统升级"})
    assert response.status_code == 200
    assert "【REG-12】临时下线每年不得超过1次" in " ".join(response.context["form"].errors["start_date"])
    assert Application.objects.count() == 1


def test_temporary_offline_form_submits(client, estate, clock):
    response = as_user(client, estate.stats_manager).post(
        url("apply_site", estate.stats_site.pk, "temporary-offline"),
        {"start_date": "2026-03-10", "end_date": "2026-03-12", "reason": "系统升级"})
    assert response.status_code == 302
    assert Application.objects.get().kind == "temporary_offline"


def test_bad_dates_give_chinese_field_errors(client, estate, clock):
    response = as_user(client, estate.stats_manager).post(
        url("apply_site", estate.stats_site.pk, "temporary-offline"),
        {"start_date": "2026-03-12", "end_date": "2026-03-10", "reason": "升级"})
    assert response.context["form"].errors["end_date"] == ["结束日期不能早于开始日期。"]
    response = client.post(url("apply_site", estate.stats_site.pk, "outage"),
                           {"outage_cause": "force_majeure", "start_date": "不是日期", "end_date": ""})
    assert "start_date" in response.context["form"].errors and "end_date" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.rule("REG-11")
def test_portal_cannot_apply_for_permanent_offline(client, estate):
    response = as_user(client, estate.city_office).post(
        url("apply_site", estate.city_portal.pk, "permanent-offline"),
        {"migration_target": estate.province_portal.pk, "safeguards": "迁移", "reason": "改版"})
    assert "【REG-11】" in " ".join(response.context["form"].non_field_errors())
    assert not Application.objects.exists()


@pytest.mark.rule("REG-14")
def test_permanent_offline_needs_a_migration_target(client, estate):
    response = as_user(client, estate.stats_manager).post(
        url("apply_site", estate.stats_site.pk, "permanent-offline"), {"safeguards": "迁移", "reason": "整合"})
    assert "【REG-14】" in " ".join(response.context["form"].errors["migration_target"])
    response = client.post(url("apply_site", estate.stats_site.pk, "permanent-offline"),
                           {"safeguards": "迁移", "reason": "整合", "migration_target": estate.city_portal.pk})
    assert response.status_code == 302
    assert Application.objects.get().migration_target == estate.city_portal


@pytest.mark.rule("REG-16")
def test_change_filing_files_only_what_changed(client, estate):
    client = as_user(client, estate.stats_manager)
    form_page = client.get(url("apply_site", estate.stats_site.pk, "change"))
    assert 'value="tjj.qinglan.gov.cn"' in text(form_page)
    unchanged = {k: v for k, v in form_page.context["form"].initial.items() if v is not None}
    response = client.post(url("apply_site", estate.stats_site.pk, "change"), {**unchanged, "reason": "换人"})
    assert "没有需要备案的变更内容" in " ".join(response.context["form"].non_field_errors())
    response = client.post(url("apply_site", estate.stats_site.pk, "change"),
                           {**unchanged, "responsible_person": "孙丽", "reason": "负责人调整"})
    assert response.status_code == 302
    assert Application.objects.get().changes["after"] == {"responsible_person": "孙丽"}


@pytest.mark.rule("REG-04")
def test_special_topic_on_the_wrong_site_names_the_allowed_hosts(client, estate):
    client = as_user(client, estate.stats_manager)
    assert client.get(url("apply_special_topic")).status_code == 200
    chooser = client.get(url("apply_special_topic"), {"institution": estate.stats.pk})
    assert chooser.status_code == 302 and chooser["Location"] == url("apply_special_topic_for", estate.stats.pk)
    response = client.post(url("apply_special_topic_for", estate.stats.pk), {
        "topic_title": "第五次经济普查", "topic_host_site": estate.city_portal.pk, "reason": "普查宣传"})
    errors = " ".join(response.context["form"].errors["topic_host_site"])
    assert "【REG-04】" in errors and "青岚市统计局网站" in errors
    response = client.post(url("apply_special_topic_for", estate.stats.pk), {
        "topic_title": "第五次经济普查", "topic_host_site": estate.stats_site.pk, "reason": "普查宣传"}, follow=True)
    assert "申请已提交：开设专栏专题：青岚市统计局网站" in messages_of(response)
    assert "第五次经济普查" in text(response) and "涉及部门" in text(response)


def test_institution_chooser_offers_only_institutions_one_may_file_for(client, estate):
    client = as_user(client, estate.city_office)
    choices = client.get(url("apply_open")).context["form"].fields["institution"].queryset
    assert estate.water in choices and estate.township in choices and estate.education not in choices
    response = client.get(url("apply_open"), {"institution": estate.education.pk})
    assert response.status_code == 200 and response.context["form"].errors["institution"]


def test_applicant_withdraws_a_pending_application(client, estate):
    application = open_for_water(estate)
    client = as_user(client, estate.water_manager)
    page = client.get(url("application_detail", application.pk))
    assert "撤回申请" in text(page)
    response = client.post(url("application_withdraw", application.pk), {"reason": "暂缓"}, follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.site.status == SiteStatus.REFUSED
    assert "申请已撤回。" in messages_of(response)
    again = client.post(url("application_withdraw", application.pk), follow=True)
    assert "该申请已办结，无法撤回。" in messages_of(again)


# -- the approval inbox -------------------------------------------------------------------------


def test_inbox_approve_moves_the_application_up_the_chain(client, estate):
    application = open_for_water(estate)
    client = as_user(client, estate.water_head)
    inbox = client.get(url("inbox"))
    assert [d["step"].application for d in inbox.context["decisions"]] == [application]
    step = application.current_step
    response = client.post(url("decide", step.pk), {"decision": "approve", "comment": ""}, follow=True)
    assert "已同意：开设网站：青岚市水利局网站" in messages_of(response)
    step.refresh_from_db()
    assert step.status == StepStatus.APPROVED and step.decided_by == estate.water_head
    assert application.current_step.institution == estate.city
    assert client.get(url("inbox")).context["decisions"] == []


def test_inbox_reject_needs_a_comment(client, estate):
    application = open_for_water(estate)
    step = application.current_step
    client = as_user(client, estate.water_head)
    response = client.post(url("decide", step.pk), {"decision": "reject", "comment": " "}, follow=True)
    assert "驳回时请填写审批意见。" in messages_of(response)
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING
    response = client.post(url("decide", step.pk), {"decision": "reject", "comment": "暂不开设"}, follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.site.status == SiteStatus.REFUSED


def test_decision_after_someone_else_decided_shows_the_conflict(client, estate):
    application = open_for_water(estate)
    DecideStep(actor(estate.water_head), application.current_step, approve=True).execute()
    colleague = user("city_office_2", (Role.SUPERVISOR, estate.city))
    step = application.current_step
    client = as_user(client, estate.city_office)
    assert [d["step"] for d in client.get(url("inbox")).context["decisions"]] == [step]
    DecideStep(actor(colleague), step, approve=False, comment="材料不全").execute()
    response = client.post(url("decide", step.pk), {"decision": "approve", "comment": "同意"}, follow=True)
    message = " ".join(messages_of(response))
    assert "该审批环节已被处理为“驳回”" in message and "city_office_2" in message and "您的决定未生效" in message
    step.refresh_from_db()
    assert step.status == StepStatus.REJECTED and step.decided_by == colleague
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_the_same_moment_exactly_one_decision_counts():
    e = build_estate()
    application = open_for_water(e)
    DecideStep(actor(e.water_head), application.current_step, approve=True).execute()
    colleague = user("city_office_2", (Role.SUPERVISOR, e.city))
    step = application.current_step
    start, said = threading.Barrier(2), {}

    def decide(account, decision, comment):
        try:
            client = as_user(Client(), account)
            start.wait(timeout=10)
            response = client.post(url("decide", step.pk), {"decision": decision, "comment": comment}, follow=True)
            said[decision] = text(response)  # response.context mixes both threads' renders
        except Exception as error:  # surfaced by the assertions below
            said[decision] = f"线程出错：{error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(e.city_office, "approve", "同意")),
               threading.Thread(target=decide, args=(colleague, "reject", "材料不全"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    step.refresh_from_db()
    assert step.status in (StepStatus.APPROVED, StepStatus.REJECTED), said
    winner = "approve" if step.status == StepStatus.APPROVED else "reject"
    loser = "reject" if winner == "approve" else "approve"
    assert ("已同意：" if winner == "approve" else "已驳回：") in said[winner]
    assert "您的决定未生效" not in said[winner]
    assert "您的决定未生效" in said[loser] and "该审批环节已被处理为" in said[loser]
    decisions = AuditLogEntry.objects.filter(action__startswith="registry.step.", data__step=step.position)
    assert decisions.count() == 1


def test_someone_who_is_not_the_approver_cannot_decide(client, estate):
    application = open_for_water(estate)
    response = as_user(client, estate.stats_head).post(url("decide", application.current_step.pk),
                                                       {"decision": "approve"})
    assert response.status_code == 403 and "您不是该审批环节的审批人" in text(response)
    assert application.current_step.status == StepStatus.PENDING


def test_decision_from_the_application_page_returns_there(client, estate):
    application = open_for_water(estate)
    client = as_user(client, estate.water_head)
    page = client.get(url("application_detail", application.pk))
    assert page.context["decision"]["step"] == application.current_step
    response = client.post(url("decide", application.current_step.pk),
                           {"decision": "approve", "next": url("application_detail", application.pk)})
    assert response["Location"] == url("application_detail", application.pk)


# -- the site page: timeline, checklists, lifecycle ---------------------------------------------


@pytest.mark.rule("REG-01")
def test_site_page_shows_the_timeline(client, estate, clock):
    first = ApplyForTemporaryOffline(actor(estate.stats_manager), estate.stats_site, start_date=dt.date(2026, 3, 2),
                                     end_date=dt.date(2026, 3, 5), reason="机房搬迁").execute()
    approve_all(first)
    response = as_user(client, estate.city_office).get(url("site_detail", estate.stats_site.pk))
    timeline = response.context["timeline"]
    labels = [entry.label for entry in timeline]
    assert "提交申请" in labels and "审批同意" in labels and "网站状态变更" in labels
    status_change = next(entry for entry in timeline if entry.label == "网站状态变更")
    assert status_change.ip_address == "10.0.0.8" and status_change.user == "province_office"
    assert ("状态", "运行中", "临时下线") in [(c.label, c.before, c.after) for c in status_change.changes]
    body = text(response)
    assert "时间线" in body and "临时下线 2026年03月02日至2026年03月05日" in body
    assert "主管单位" in body and "青岚市人民政府" in body


@pytest.mark.rule("REG-09")
def test_launch_checklist_through_the_site_page(client, estate, clock):
    application = approve_all(open_for_water(estate))
    water_site = application.site
    client = as_user(client, estate.water_manager)
    page = client.get(url("site_detail", water_site.pk))
    assert [o["name"] for o in page.context["operations"]] == ["launch"]
    refused = client.post(url("site_operation", water_site.pk, "launch"), follow=True)
    assert any(m.startswith("【REG-09】上线前程序尚未完成") for m in messages_of(refused))
    bad = client.post(url("site_operation", water_site.pk, "checklist"),
                      {"checklist": "launch", "key": "icp_filing", "reference": "晋ICP备123号"})
    assert bad.status_code == 200
    assert any("【REG-09】ICP备案号格式" in m for m in messages_of(bad))
    form = next(r["form"] for g in bad.context["checklists"] for r in g["rows"] if r["item"].key == "icp_filing")
    assert "【REG-09】" in " ".join(form.errors["reference"])
    assert not water_site.checklist_items.filter(key="icp_filing", done_at__isnull=False).exists()
    references = {"site_mark": "DZ-1", "domain_registered": "已注册", "icp_filing": "澜ICP备12345678号",
                  "public_security_filing": "澜公网安备 99010002000123号", "site_code": "bm99010099",
                  "security_test": "报告", "cyberspace_report": "已报备"}
    for item in water_site.checklist_items.filter(checklist=Checklist.LAUNCH):
        done = client.post(url("site_operation", water_site.pk, "checklist"),
                           {"checklist": "launch", "key": item.key, "reference": references[item.key]})
        assert done.status_code == 302
    launched = client.post(url("site_operation", water_site.pk, "launch"), follow=True)
    assert "网站已正式上线，开通公告已发布。" in messages_of(launched)
    water_site.refresh_from_db()
    assert water_site.status == SiteStatus.ONLINE and water_site.icp_number == "澜ICP备12345678号"


@pytest.mark.rule("REG-14", "REG-15")
def test_closure_through_the_site_page(client, clock):
    e = lifecycle_estate()
    closing = e.county_edu_site
    client = as_user(client, e.county_office)
    page = client.get(url("site_detail", closing.pk))
    assert [o["name"] for o in page.context["operations"]] == ["migration-notice"]
    assert client.post(url("site_operation", closing.pk, "migration-notice"), {"body": ""}).status_code == 302
    bad = client.post(url("site_operation", closing.pk, "complete-migration"), {"pages": "只有一列"})
    assert bad.status_code == 200
    assert bad.context["operations"][0]["form"].errors["pages"] == ["第1行须为“网址 页面标题”（以空格分隔）。"]
    done = client.post(url("site_operation", closing.pk, "complete-migration"),
                       {"pages": "https://jyj.xikou.gov.cn/a.html 招生政策", "note": ""})
    assert done.status_code == 302
    assert closing.archive_records.get().title == "招生政策"
    refused = client.post(url("site_operation", closing.pk, "close"), follow=True)
    assert any(m.startswith("【REG-14】关停程序尚未完成") for m in messages_of(refused))
    for key in ("icp_cancelled", "site_mark_cancelled", "public_security_cancelled", "domain_cancelled"):
        client.post(url("site_operation", closing.pk, "checklist"), {"checklist": "closure", "key": key})
    closed = client.post(url("site_operation", closing.pk, "close"), follow=True)
    assert "网站已关停，状态已上报。" in messages_of(closed)
    closing.refresh_from_db()
    assert closing.status == SiteStatus.CLOSED
    assert "归档记录" in text(closed) and "招生政策" in text(closed)


def test_resume_after_temporary_offline(client, clock):
    e = lifecycle_estate()
    client = as_user(client, e.stats_manager)
    response = client.post(url("site_operation", e.stats_site.pk, "resume"), follow=True)
    assert "网站已恢复上线。" in messages_of(response)
    e.stats_site.refresh_from_db()
    assert e.stats_site.status == SiteStatus.ONLINE


def test_lifecycle_operations_need_the_right_role(client, clock):
    e = lifecycle_estate()
    page = as_user(client, e.province_office).get(url("site_detail", e.stats_site.pk))
    assert [o["name"] for o in page.context["operations"]] == ["resume"]
    head = as_user(Client(), e.water_head)
    assert head.post(url("site_operation", e.stats_site.pk, "resume")).status_code == 403
    e.stats_site.refresh_from_db()
    assert e.stats_site.status == SiteStatus.TEMPORARILY_OFFLINE


# -- the estate ---------------------------------------------------------------------------------


@pytest.mark.rule("REG-02")
def test_estate_tree_and_missing_portals(client, estate):
    client = as_user(client, estate.province_office)
    tree = client.get(url("estate_tree"))
    (province,) = tree.context["roots"]
    (city,) = province.children
    assert city.name == "青岚市人民政府" and {c.name for c in city.children} == {
        "青岚市溪口县人民政府", "青岚市石泉县人民政府"}
    shiquan = next(c for c in city.children if c.name == "青岚市石泉县人民政府")
    assert shiquan.missing_portal and shiquan.portal is None
    assert [(c["code"], c["text"]) for c in city.counts] == [("online", "运行中 1")]
    assert "缺少门户网站（REG-02）" in text(tree) and "<details" in text(tree)
    report = client.get(url("missing_portals"))
    assert [r["government"] for r in report.context["rows"]] == [estate.new_county]
    assert report.context["rows"][0]["apply_url"] == url("apply_open_for", estate.new_county.pk)


@pytest.mark.rule("REG-03")
def test_institutions_list_and_integration_flag(client, estate):
    RegisterSite(actor(estate.county_office), estate.county_edu, data={
        "name": "溪口县教育局网站", "domain": "jyj.xikou.gov.cn", "site_code": "bm99121050",
        "sponsor_name": "溪口县教育局", "responsible_person": "赵敏"}).execute()
    client = as_user(client, estate.county_office)
    institutions = client.get(url("institution_index"))
    assert {i.name for i in institutions.context["object_list"]} == {
        "青岚市溪口县人民政府", "溪口县教育局", "溪口县桃源镇人民政府"}
    assert "不可开设（REG-03）" in text(institutions)
    flagged = client.get(url("site_index"), {"integration": "flagged"})
    assert listed(flagged) == {"溪口县教育局网站"}
    page = client.get(url("site_detail", Site.objects.get(domain="jyj.xikou.gov.cn").pk))
    assert page.context["integration_reason"].startswith("【REG-03】")
    without = client.get(url("institution_index"), {"site": "without"})
    assert {i.name for i in without.context["object_list"]} == {"溪口县桃源镇人民政府"}


def test_application_list_filters(client, clock):
    e = lifecycle_estate()
    client = as_user(client, e.province_office)
    everything = client.get(url("application_index"))
    assert len(everything.context["object_list"]) == Application.objects.count()
    rejected = client.get(url("application_index"), {"status": "rejected"})
    assert [str(a) for a in rejected.context["object_list"]] == ["开设网站：澜川省财政厅网站"]
    assert "政府办公厅（室）审核（澜川省人民政府）" in text(client.get(url("application_index"), {"kind": "open"}))


def test_new_application_page_lists_what_can_be_filed(client, clock):
    e = lifecycle_estate()
    page = as_user(client, e.stats_manager).get(url("application_new"))
    (row,) = page.context["sites"]
    assert row["site"] == e.stats_site
    assert [link["label"] for link in row["links"]] == ["申请永久下线", "变更备案"]
