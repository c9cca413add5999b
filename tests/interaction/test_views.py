"""The interaction back office through the Django test client, as each role (INT-02/03/05/06)."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govsites import clock as govclock
from govsites.accounts.groups import ensure_admin_users_group
from govsites.content.models import SiteMembership, SiteRole
from govsites.interaction.actions import DraftReply, ReviewMessage
from govsites.interaction.models import (
    ChannelKind,
    EventKind,
    HandlerAssignment,
    HandlerRole,
    Message,
    MessageStatus,
    ReplyStatus,
)
from tests.factories import user

from .estate import act, answered, interaction_estate, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def e(clock):
    return interaction_estate()


def login(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def text(response) -> str:
    return response.content.decode()


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def inbox_cases(response) -> set[str]:
    return {row["message"].case_number for row in response.context["rows"]}


def step_url(message, step):
    return reverse("interaction:step", args=[message.pk, step])


def message_url(message):
    return reverse("interaction:message", args=[message.pk])


def routed(e, department, **kwargs):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION], **kwargs)
    act(e.triage, ReviewMessage, message, valid=True, department=department)
    message.refresh_from_db()
    return message


@pytest.fixture
def spread(e):
    """A city message with the water bureau, one with the statistics bureau, a county one."""
    water = routed(e, e.water, title="河道整治咨询", phone="13800000001", client_hash="a")
    stats = routed(e, e.stats, title="统计数据咨询", body="请问年度统计公报何时发布？", phone="13800000002", client_hash="b")
    county, _ = submit(e.county_channel, title="学校招生咨询", body="请问今年小学招生范围有变化吗？", phone="13800000003",
                       client_hash="c")
    return water, stats, county


# -- who sees what -------------------------------------------------------------------------------


@pytest.mark.rule("INT-02")
def test_each_role_sees_the_messages_of_its_inbox(e, spread):
    water, stats, county = spread
    expected = {
        e.triage: {water, stats},
        e.water_handler: {water},
        e.water_approver: {water},
        e.stats_handler: {stats},
        e.county_triage: {county},
        e.city_office: {water, stats, county},  # supervisor: the city and the county below it, read-only
        e.county_office: {county},
    }
    for account, messages in expected.items():
        response = login(account).get(reverse("interaction:inbox"))
        assert response.status_code == 200, account
        assert inbox_cases(response) == {m.case_number for m in messages}, account.username


def test_people_without_a_part_in_the_platform_are_refused(e, spread):
    e.outsider.groups.add(ensure_admin_users_group())
    for account in (e.outsider, e.water_manager, get_user_model().objects.create_superuser("root", password="x")):
        response = login(account).get(reverse("interaction:inbox"))
        assert response.status_code == 403 and "您没有访问此页面的权限" in text(response)
    assert Client().get(reverse("interaction:inbox")).status_code == 302  # to the login page


def test_a_handler_cannot_open_another_departments_message(e, spread):
    water, stats, county = spread
    client = login(e.water_handler)
    assert client.get(message_url(water)).status_code == 200
    assert client.get(message_url(stats)).status_code == 404
    assert client.get(message_url(county)).status_code == 404
    response = client.post(step_url(stats, "reply"), {"body": "越权起草的答复内容。", "submit": "on"})
    assert response.status_code == 404
    assert not stats.replies.exists()


def test_inbox_filters_and_search(e, clock, spread):
    water, stats, county = spread
    client = login(e.city_office)
    inbox = reverse("interaction:inbox")
    assert inbox_cases(client.get(inbox, {"q": water.case_number})) == {water.case_number}
    assert inbox_cases(client.get(inbox, {"q": "统计"})) == {stats.case_number}
    assert inbox_cases(client.get(inbox, {"site": e.county_portal.pk})) == {county.case_number}
    assert inbox_cases(client.get(inbox, {"department": e.water.pk})) == {water.case_number}
    assert inbox_cases(client.get(inbox, {"status": MessageStatus.RECEIVED})) == {county.case_number}
    assert inbox_cases(client.get(inbox, {"kind": ChannelKind.COMPLAINT})) == set()
    # received Monday 2026-03-02 09:00: consultations are due by the end of Monday 03-09
    assert inbox_cases(client.get(inbox, {"overdue": "on"})) == set()
    clock.set(govclock.at(2026, 3, 6, 10))  # Friday: the last day is the next working day
    assert inbox_cases(client.get(inbox, {"due_soon": "on"})) == {m.case_number for m in spread}
    clock.set(govclock.at(2026, 3, 10, 0, 0))
    response = client.get(inbox, {"overdue": "on"})
    assert inbox_cases(response) == {m.case_number for m in spread}
    assert "超期1个工作日" in text(response)  # Tuesday 00:00: in the first working day past the deadline
    clock.set(govclock.at(2026, 3, 12, 10))
    assert "超期3个工作日" in text(client.get(inbox))
    assert inbox_cases(client.get(inbox, {"due_soon": "on"})) == set()


def test_remaining_working_days_are_shown(e, clock, spread):
    clock.set(govclock.at(2026, 3, 5, 10))  # Thursday; last day Monday 03-09: Fri and Mon remain
    body = text(login(e.triage).get(reverse("interaction:inbox")))
    assert "2026-03-09" in body and "剩余2个工作日" in body


def test_the_inbox_runs_a_constant_number_of_queries(e, clock):
    client = login(e.triage)
    client.get(reverse("interaction:inbox"))  # warm the calendar and session

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("interaction:inbox"), {"q": "咨询"}).status_code == 200
        return len(captured)

    for n in range(2):
        routed(e, e.water, title=f"第{n}条咨询", body=f"第{n}条咨询的内容。", client_hash=f"x{n}", phone=f"1380000010{n}")
    few = queries()
    for n in range(2, 12):
        routed(e, e.water if n % 2 else e.stats, title=f"第{n}条咨询", body=f"第{n}条咨询的内容。", client_hash=f"x{n}",
               phone=f"138000001{n:02d}")
    assert queries() == few


# -- the message page -------------------------------------------------------------------------------


def test_the_message_page_masks_personal_data_and_links_to_unmasking_for_triage_only(e, spread):
    water = spread[0]
    triage_page = text(login(e.triage).get(message_url(water)))
    assert "13800000001" not in triage_page and "张三" not in triage_page
    assert "138****0001" in triage_page
    unmask = reverse("privacy:record", args=[water.submitter_id])
    assert unmask in triage_page
    handler_page = text(login(e.water_handler).get(message_url(water)))
    assert "13800000001" not in handler_page and unmask not in handler_page


def test_the_message_page_has_no_inline_script_and_every_form_carries_the_csrf_token(e, spread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(e.triage)
    body = text(client.get(message_url(spread[0])))
    forms = re.findall(r'<form method="post"[^>]*>', body)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert len(forms) >= 2 and len(tokens) >= len(forms)
    assert not re.search(r"\son[a-z]+=", body)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)
    response = client.post(step_url(spread[0], "assign"), {"department": e.stats.pk})
    assert response.status_code == 403  # no token
    assert Message.objects.get(pk=spread[0].pk).department == e.water


def test_a_message_body_is_shown_as_text(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION], title="<b>标题</b>", body="<script>alert(1)</script>请回复")
    body = text(login(e.triage).get(message_url(message)))
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_supervisor_reads_but_cannot_act(e, spread):
    county = spread[2]
    client = login(e.city_office)
    response = client.get(message_url(county))
    assert response.status_code == 200 and response.context["steps"] == [] and response.context["read_only"]
    refused = client.post(step_url(county, "review"), {"decision": "valid"})
    assert refused.status_code == 403
    assert "只有本网站的留言办理人可以进行此操作" in " ".join(page_messages(refused))
    assert Message.objects.get(pk=county.pk).status == MessageStatus.RECEIVED


# -- steps --------------------------------------------------------------------------------------------


@pytest.mark.rule("INT-02")
def test_review_accepts_and_routes_or_keeps_the_reason_of_an_invalid_message(e):
    first, _ = submit(e.channels[ChannelKind.CONSULTATION], client_hash="a")
    second, _ = submit(e.channels[ChannelKind.COMPLAINT], title="广告内容", body="推销产品的广告信息。", phone="13900000000",
                       client_hash="b")
    client = login(e.triage)
    offered = [s["name"] for s in client.get(message_url(first)).context["steps"]]
    assert offered == ["review", "forward"]
    response = client.post(step_url(first, "review"), {"decision": "valid", "department": e.water.pk})
    assert response.status_code == 302 and response["Location"] == message_url(first)
    first.refresh_from_db()
    assert first.status == MessageStatus.ACCEPTED and first.department == e.water

    refused = client.post(step_url(second, "review"), {"decision": "invalid", "reason": ""})
    assert refused.status_code == 400
    assert "请填写无效原因。" in text(refused)
    assert Message.objects.get(pk=second.pk).status == MessageStatus.RECEIVED
    client.post(step_url(second, "review"), {"decision": "invalid", "reason": "广告推销，与政务无关"})
    second.refresh_from_db()
    assert second.status == MessageStatus.INVALID and second.invalid_reason == "广告推销，与政务无关"


def test_a_department_outside_the_sites_government_cannot_be_chosen(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    client = login(e.triage)
    choices = {i.pk for i in client.get(message_url(message)).context["steps"][0]["form"].fields["department"].queryset}
    assert {e.city.pk, e.water.pk, e.stats.pk, e.hydrology.pk} <= choices
    assert e.county_edu.pk not in choices and e.education.pk not in choices and e.county.pk not in choices
    response = client.post(step_url(message, "review"), {"decision": "valid", "department": e.education.pk})
    assert response.status_code == 400 and "选择一个有效的选项" in text(response)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.RECEIVED


@pytest.mark.rule("INT-02")
def test_assign_and_transfer(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    act(e.triage, ReviewMessage, message, valid=True)
    client = login(e.triage)
    assert client.post(step_url(message, "assign"), {"department": e.stats.pk, "note": "请统计局办理"}).status_code == 302
    message.refresh_from_db()
    assert message.department == e.stats
    # the statistics bureau hands it to the water bureau: needs a reason
    stats = login(e.stats_handler)
    assert [s["name"] for s in stats.get(message_url(message)).context["steps"]] == ["transfer", "reply"]
    refused = stats.post(step_url(message, "transfer"), {"department": e.water.pk, "reason": ""})
    assert refused.status_code == 400 and "请填写转办理由。" in text(refused)
    response = stats.post(step_url(message, "transfer"), {"department": e.water.pk, "reason": "属水利局职责"})
    assert response.status_code == 302 and response["Location"] == reverse("interaction:inbox")
    message.refresh_from_db()
    assert message.department == e.water
    assert message.events.filter(kind=EventKind.TRANSFERRED, note="属水利局职责").exists()


@pytest.mark.rule("INT-06")
def test_forward_to_a_subordinate_site(e):
    message, _ = submit(e.channels[ChannelKind.CONSULTATION])
    client = login(e.triage)
    sites = client.get(message_url(message)).context["steps"][1]["form"].fields["site"].queryset
    assert e.county_portal in sites and e.province_portal not in sites
    refused = client.post(step_url(message, "forward"), {"site": e.province_portal.pk})
    assert refused.status_code == 400
    assert client.post(step_url(message, "forward"), {"site": e.county_portal.pk, "note": "请溪口县办理"}).status_code == 302
    message.refresh_from_db()
    assert message.handling_site == e.county_portal and message.forwarded_from == e.city_portal
    county = login(e.county_triage)
    assert message.case_number in inbox_cases(county.get(reverse("interaction:inbox")))
    assert county.post(step_url(message, "assign"), {"department": e.county_edu.pk}).status_code == 302
    assert Message.objects.get(pk=message.pk).department == e.county_edu


@pytest.mark.rule("INT-03")
def test_mark_a_policy_suggestion(e):
    message, _ = submit(e.channels[ChannelKind.SUGGESTION], title="建议延长办事大厅时间", body="建议周末开放办事大厅半天。")
    act(e.triage, ReviewMessage, message, valid=True)
    client = login(e.triage)
    assert "policy" in [s["name"] for s in client.get(message_url(message)).context["steps"]]
    assert client.post(step_url(message, "policy"), {"department": e.stats.pk, "note": "供研究"}).status_code == 302
    message.refresh_from_db()
    assert message.policy_suggestion and message.department == e.stats
    consultation = routed(e, e.water, title="普通咨询", client_hash="z", phone="13700000000")
    refused = client.post(step_url(consultation, "policy"), {"department": e.stats.pk})
    assert refused.status_code == 400 and "只有建议类留言" in text(refused)


@pytest.mark.rule("INT-02")
def test_draft_submit_approve_publish(e):
    message = routed(e, e.water)
    handler = login(e.water_handler)
    assert handler.post(step_url(message, "reply"), {"body": "草稿：正在核实。"}).status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED and message.replies.get().status == ReplyStatus.DRAFT
    assert handler.get(message_url(message)).context["steps"][-1]["form"].initial["body"] == "草稿：正在核实。"
    empty = handler.post(step_url(message, "reply"), {"body": "短", "submit": "on"})
    assert empty.status_code == 400 and "请填写答复内容（至少5个字）。" in text(empty)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.ACCEPTED
    body = "溪口河段整治工程计划于明年3月开工。"
    assert handler.post(step_url(message, "reply"), {"body": body, "submit": "on"}).status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.REPLY_PENDING

    approver = login(e.water_approver)
    assert [s["name"] for s in approver.get(message_url(message)).context["steps"]] == ["decide"]
    assert approver.post(step_url(message, "decide"), {"decision": "approve"}).status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.reply_body == body and message.published_at
    assert message.reply_department == e.water


def test_an_approver_cannot_approve_own_draft(e):
    message = routed(e, e.water)
    approver = login(e.water_approver)
    approver.post(step_url(message, "reply"), {"body": "审核人自己起草的答复。", "submit": "on"})
    message.refresh_from_db()
    assert message.status == MessageStatus.REPLY_PENDING
    page = approver.get(message_url(message))
    assert "decide" not in [s["name"] for s in page.context["steps"]]
    assert "您起草的答复须由其他答复审核人审核" in text(page)
    refused = approver.post(step_url(message, "decide"), {"decision": "approve"})
    assert refused.status_code == 400 and "答复须由起草人以外的审核人审核。" in text(refused)
    message.refresh_from_db()
    assert message.status == MessageStatus.REPLY_PENDING and message.replied_at is None
    assert message.replies.get().status == ReplyStatus.PENDING


def test_a_returned_reply_needs_a_note_and_comes_back_to_the_drafter(e):
    message = routed(e, e.water)
    act(e.water_handler, DraftReply, message, "第一稿答复内容。", submit=True)
    approver = login(e.water_approver)
    refused = approver.post(step_url(message, "decide"), {"decision": "return", "note": ""})
    assert refused.status_code == 400 and "请填写退回意见。" in text(refused)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.REPLY_PENDING
    assert approver.post(step_url(message, "decide"), {"decision": "return", "note": "请补充开工时间"}).status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.ACCEPTED
    page = login(e.water_handler).get(message_url(message))
    assert page.context["steps"][-1]["form"].initial["body"] == "第一稿答复内容。"
    assert "请补充开工时间" in text(page)


@pytest.mark.rule("INT-02")
def test_withhold_with_a_reason_then_publish(e):
    message = answered(e, submit(e.channels[ChannelKind.COMPLAINT])[0])
    assert message.published_at is not None
    client = login(e.triage)
    refused = client.post(step_url(message, "withhold"), {"reason": ""})
    assert refused.status_code == 400 and "请填写不公开理由。" in text(refused)
    assert Message.objects.get(pk=message.pk).published_at is not None
    assert client.post(step_url(message, "withhold"), {"reason": "经核实为虚假举报"}).status_code == 302
    message.refresh_from_db()
    assert message.published_at is None and message.withheld_reason == "经核实为虚假举报"
    assert [s["name"] for s in client.get(message_url(message)).context["steps"]] == ["publish"]
    assert client.post(step_url(message, "publish"), {}).status_code == 302
    assert Message.objects.get(pk=message.pk).published_at is not None


@pytest.mark.rule("INT-05")
def test_shanxi_error_report_is_reviewed_above_from_the_message_page(e, clock, profile):
    profile("shanxi")
    report, _ = submit(e.channels[ChannelKind.ERROR_REPORT], title="办事指南错别字", body="办事指南中“申请”写成了“申情”。",
                       page_url="https://www.qinglan.gov.cn/bszn/1.html")
    report = answered(e, report)
    assert report.passed_up_at is not None and report.published_at is None
    triage = login(e.triage)
    assert "publish" not in [s["name"] for s in triage.get(message_url(report)).context["steps"]]
    refused = triage.post(step_url(report, "publish"), {})
    assert refused.status_code == 400 and "须经上级审核后才能发布" in text(refused)
    county = login(e.county_office)
    assert county.get(message_url(report)).status_code == 404
    province = login(e.province_office)
    assert [s["name"] for s in province.get(message_url(report)).context["steps"]] == ["review-above"]
    assert province.post(step_url(report, "review-above"), {}).status_code == 302
    report.refresh_from_db()
    assert report.reviewed_at is not None and report.published_at is not None


def test_a_step_not_allowed_now_is_refused_with_the_reason(e):
    message = routed(e, e.water)
    client = login(e.triage)
    response = client.post(step_url(message, "review"), {"decision": "valid"})
    assert response.status_code == 400 and "当前状态为“办理中”，不能审核" in text(response)
    assert client.post(step_url(message, "no-such-step"), {}).status_code == 404
    assert client.get(step_url(message, "review")).status_code == 405


def test_a_department_handler_gets_into_the_admin(e):
    account = user("new_handler")
    HandlerAssignment.objects.create(user=account, institution=e.water, role=HandlerRole.HANDLER)
    assert account.has_perm("wagtailadmin.access_admin")
    assert login(account).get(reverse("interaction:inbox")).status_code == 200


# -- menu ---------------------------------------------------------------------------------------------


def menu(account) -> dict[str, str]:
    """Label → URL of every item of the admin sidebar (its props are JSON in the page)."""
    body = text(login(account).get(reverse("wagtailadmin_home")))
    props = json.loads(re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
                                 body, re.S).group(1))
    found = {}

    def walk(node):
        if isinstance(node, dict):
            if "label" in node:
                found[node["label"]] = node.get("url", "")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return found


def test_the_menu_is_shown_to_people_working_on_messages(e):
    for account in (e.water_handler, e.triage, e.city_office):
        assert "互动交流" in menu(account), account.username
    editor = user("portal_editor")
    SiteMembership.objects.create(user=editor, site=e.city_portal, role=SiteRole.EDITOR)
    assert "互动交流" not in menu(editor)


def test_the_department_handler_menu_has_no_statistics(e):
    handler = menu(e.water_handler)
    assert handler["留言办理"] == reverse("interaction:inbox") and "留言统计" not in handler
    triage = menu(e.triage)
    assert triage["留言统计"] == reverse("interaction:statistics")
    assert triage["互动回应考核"] == reverse("interaction:veto")
