"""The column pages (channels, surveys, interviews, knowledge base) through the Django test client."""

import pytest
from django.test import Client
from django.urls import reverse

from govsites import clock as govclock
from govsites.accounts.groups import ensure_admin_users_group
from govsites.interaction import knowledge
from govsites.interaction.actions import (
    CreateInterview,
    CreateSurvey,
    OpenSurvey,
    SetUpChannels,
)
from govsites.interaction.models import (
    Channel,
    ChannelKind,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    KnowledgeEntry,
    QuestionStatus,
    Survey,
    SurveyStatus,
)
from govsites.publishing.models import PublishRequest
from tests.conftest import actor

from .estate import act, answered, interaction_estate, submit
from .test_interviews import GUESTS, TRANSCRIPT
from .test_interviews import ask as ask_interview
from .test_surveys import QUESTIONS

pytestmark = pytest.mark.django_db

QUESTIONS_TEXT = """[单选] 您对本方案的总体评价？
满意
- 基本满意
不满意
[多选] 您最关心哪些内容？
停车
绿化
[文字] 其他意见和建议（选答）"""


@pytest.fixture
def e(clock):
    return interaction_estate()


def login(account) -> Client:
    account.groups.add(ensure_admin_users_group())
    client = Client()
    client.force_login(account)
    return client


def text(response) -> str:
    return response.content.decode()


def url(name, *args, **query) -> str:
    address = reverse(f"interaction_extra:{name}", args=args)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- who gets in --------------------------------------------------------------------------------


def test_people_without_columns_are_refused(e):
    for account in (e.outsider, e.city_office):
        client = login(account)
        for name in ("surveys", "interviews", "entries", "channel_sites"):
            response = client.get(url(name))
            assert response.status_code == 403 and "您没有访问此页面的权限" in text(response), (account, name)


def test_the_menu_shows_the_column_pages(e):
    """The sidebar is JSON (labels escaped): look for the items' names."""
    names = ("interaction-surveys", "interaction-interviews", "interaction-knowledge", "interaction-channels")
    home = text(login(e.triage).get("/admin/"))
    assert all(f'"name": "{name}"' in home for name in names)
    # a site manager manages the columns of the site, nothing else of the platform
    manager_home = text(login(e.stats_manager).get("/admin/"))
    assert '"name": "interaction-channels"' in manager_home and '"name": "interaction-surveys"' not in manager_home
    assert '"name": "interaction-channels"' not in text(login(e.outsider).get("/admin/"))


def test_objects_of_other_sites_are_not_found(e):
    survey = act(e.triage, CreateSurvey, e.city_portal, title="城市调查", description="城市调查的征集说明。",
                 opens_at=govclock.at(2026, 3, 2), closes_at=govclock.at(2026, 3, 20), questions=QUESTIONS)
    interview = act(e.triage, CreateInterview, e.city_portal, title="城市访谈", summary="城市访谈的简介内容。",
                    starts_at=govclock.at(2026, 3, 5, 15), ends_at=govclock.at(2026, 3, 5, 16), guests=GUESTS)
    channel = e.channels[ChannelKind.CONSULTATION]
    client = login(e.county_triage)
    for address in (url("survey", survey.pk), url("interview", interview.pk), url("channel", channel.pk),
                    url("survey_edit", survey.pk), url("site_channels", e.city_portal.pk)):
        assert client.get(address).status_code == 404, address
    assert client.post(url("survey_open", survey.pk)).status_code == 404
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    # a department handler sees their department's surveys only
    water = login(e.water_handler)
    assert water.get(url("survey", survey.pk)).status_code == 404
    mine = act(e.water_handler, CreateSurvey, e.city_portal, title="水利调查", description="水利调查的征集说明。",
               opens_at=govclock.at(2026, 3, 2), closes_at=govclock.at(2026, 3, 20), questions=QUESTIONS,
               department=e.water)
    listing = water.get(url("surveys"))
    assert [row[0] for row in listing.context["rows"]] == [mine]


# -- channels ---------------------------------------------------------------------------------------


@pytest.mark.rule("INT-01")
def test_setting_up_and_editing_columns(e):
    Channel.objects.filter(site=e.city_portal).delete()
    client = login(e.triage)
    page = client.get(url("channel_sites"))
    assert page.status_code == 200 and e.city_portal.name in text(page) and "设置标准栏目" in text(page)
    response = client.post(url("setup_channels", e.city_portal.pk))
    assert response.status_code == 302
    assert Channel.objects.filter(site=e.city_portal).count() == len(ChannelKind.values)
    channel = Channel.objects.get(site=e.city_portal, kind=ChannelKind.SUGGESTION)
    page = client.get(url("site_channels", e.city_portal.pk))
    assert "建言献策" in text(page) and "设置标准栏目" not in text(page)

    form = client.get(url("channel", channel.pk))
    assert channel.usage in text(form)
    bad = client.post(url("channel", channel.pk), {"title": "建议", "purpose": "短", "usage": channel.usage})
    assert bad.status_code == 400 and "请填写开设宗旨（至少10个字）" in text(bad)
    channel.refresh_from_db()
    assert channel.enabled and channel.title == "建言献策"
    done = client.post(url("channel", channel.pk), {"title": "我要建议", "purpose": channel.purpose,
                                                   "usage": channel.usage})  # unchecked: closed
    assert done.status_code == 302
    channel.refresh_from_db()
    assert channel.title == "我要建议" and not channel.enabled


def test_a_site_manager_edits_the_columns_of_their_site(e):
    SetUpChannels(actor(e.stats_manager), e.stats_site).execute()
    channel = Channel.objects.get(site=e.stats_site, kind=ChannelKind.CONSULTATION)
    client = login(e.stats_manager)
    assert [s.pk for s in client.get(url("channel_sites")).context["sites"]] == [e.stats_site.pk]
    response = client.post(url("channel", channel.pk), {"title": "统计咨询", "purpose": channel.purpose,
                                                        "usage": channel.usage, "enabled": "on"})
    assert response.status_code == 302
    assert login(e.water_manager).get(url("channel", channel.pk)).status_code == 403


# -- surveys ----------------------------------------------------------------------------------------


@pytest.mark.rule("INT-01")
def test_a_survey_through_its_pages(e, clock):
    client = login(e.triage)
    listing = client.get(url("surveys"))
    assert listing.status_code == 200 and e.city_portal.name in text(listing)
    data = {"title": "老旧小区改造意见征集", "description": "欢迎对老旧小区改造方案提出意见。", "department": e.water.pk,
            "opens_at": "2026-03-02T09:00", "closes_at": "2026-03-16T18:00", "questions": QUESTIONS_TEXT}
    bad = client.post(url("survey_new", site=e.city_portal.pk), {**data, "questions": "满意\n不满意"})
    assert bad.status_code == 400 and "第1行：请先用 [单选]、[多选] 或 [文字] 标明题型" in text(bad)
    bad = client.post(url("survey_new", site=e.city_portal.pk), {**data, "questions": "[单选] 只有一个选项？\n是"})
    assert bad.status_code == 400 and "第1题：单选题须有2至20个选项" in text(bad)
    assert not Survey.objects.exists()
    created = client.post(url("survey_new", site=e.city_portal.pk), data)
    survey = Survey.objects.get()
    assert created.status_code == 302 and created["Location"] == url("survey", survey.pk)
    assert [(q.kind, q.choices, q.required) for q in survey.questions.all()] == [
        ("single", ["满意", "基本满意", "不满意"], True), ("multiple", ["停车", "绿化"], True), ("text", [], False)]
    assert survey.opens_at == govclock.at(2026, 3, 2, 9) and survey.department == e.water

    edit = client.get(url("survey_edit", survey.pk))
    assert "[单选] 您对本方案的总体评价？" in text(edit) and "[文字] 其他意见和建议（选答）" in text(edit)
    assert client.post(url("survey_open", survey.pk)).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    # an open survey: questions and opening time are locked, the closing time may move
    moved = client.post(url("survey_edit", survey.pk), {**data, "closes_at": "2026-03-20T18:00",
                                                        "questions": "[文字] 被忽略的问题"})
    assert moved.status_code == 302
    survey.refresh_from_db()
    assert survey.closes_at == govclock.at(2026, 3, 20, 18) and survey.questions.count() == 3

    detail = client.get(url("survey", survey.pk))
    assert "结束征集" in text(detail) and "满意" in text(detail)
    client.post(url("survey_close", survey.pk))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    refused = client.post(url("survey_results", survey.pk), {"results_summary": "", "adoption_feedback": ""})
    assert refused.status_code == 400
    published = client.post(url("survey_results", survey.pk), {
        "results_summary": "共收到有效问卷120份。", "adoption_feedback": "采纳增设停车位的建议。"})
    assert published.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RESULTS_PUBLISHED
    again = client.post(url("survey_close", survey.pk), follow=True)
    assert any("不能结束" in m for m in flashed(again))


def test_a_department_handler_runs_surveys_of_their_department_only(e):
    client = login(e.water_handler)
    data = {"title": "水利调查", "description": "水利工作意见征集说明。", "opens_at": "2026-03-02T09:00",
            "closes_at": "2026-03-16T18:00", "questions": QUESTIONS_TEXT}
    refused = client.post(url("survey_new", site=e.city_portal.pk), data)
    assert refused.status_code == 403 and "相关部门的办理人员" in text(refused)
    assert not Survey.objects.exists()
    done = client.post(url("survey_new", site=e.city_portal.pk), {**data, "department": e.water.pk})
    assert done.status_code == 302 and Survey.objects.get().department == e.water


def test_the_survey_form_needs_a_site_the_user_runs(e):
    client = login(e.triage)
    assert client.get(url("survey_new", site=e.county_portal.pk)).status_code == 404
    assert client.get(url("survey_new")).status_code == 200  # only one site: it is chosen


# -- interviews -------------------------------------------------------------------------------------


@pytest.mark.rule("INT-01")
def test_an_interview_through_its_pages(e, clock):
    client = login(e.triage)
    data = {"title": "防汛工作在线访谈", "summary": "市水利局负责人解读今年防汛工作安排。",
            "starts_at": "2026-03-05T15:00", "ends_at": "2026-03-05T16:30", "guests": "李明｜青岚市水利局局长\n赵敏, 副局长"}
    bad = client.post(url("interview_new", site=e.city_portal.pk), {**data, "guests": "李明"})
    assert bad.status_code == 400 and "请按“姓名｜职务”填写" in text(bad)
    assert client.post(url("interview_new", site=e.city_portal.pk), data).status_code == 302
    interview = Interview.objects.get()
    assert [(g.name, g.position) for g in interview.guests.all()] == [("李明", "青岚市水利局局长"), ("赵敏", "副局长")]
    question = ask_interview(interview, body="<b>汛期</b>河道清淤什么时候完成？")
    page = text(client.get(url("interview", interview.pk)))
    assert "&lt;b&gt;汛期&lt;/b&gt;" in page and "<b>汛期</b>" not in page
    client.post(url("question_moderate", interview.pk, question.pk), {"decision": "approve"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED

    clock.set(govclock.at(2026, 3, 5, 15))
    client.post(url("interview_start", interview.pk))
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.LIVE
    guest = interview.guests.get(name="李明")
    prefix = f"q{question.pk}"
    bad = client.post(url("question_answer", interview.pk, question.pk), {f"{prefix}-guest": guest.pk,
                                                                          f"{prefix}-answer": "短"})
    assert bad.status_code == 400 and "请填写嘉宾回答（至少2个字）" in text(bad)
    assert f'id="question-{question.pk}"' in text(bad)
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED
    ok = client.post(url("question_answer", interview.pk, question.pk), {f"{prefix}-guest": guest.pk,
                                                                         f"{prefix}-answer": "5月底前全部完成。"})
    assert ok.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and question.answered_by == guest

    clock.set(govclock.at(2026, 3, 5, 16))
    client.post(url("interview_finish", interview.pk))
    draft = client.get(url("interview_transcript", interview.pk))
    assert "李明：5月底前全部完成。" in text(draft)
    assert client.post(url("interview_transcript", interview.pk), {"transcript": TRANSCRIPT}).status_code == 302
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PUBLISHED and interview.transcript == TRANSCRIPT


def test_rejected_questions_and_foreign_questions(e):
    interview = act(e.triage, CreateInterview, e.city_portal, title="城市访谈", summary="城市访谈的简介内容。",
                    starts_at=govclock.at(2026, 3, 5, 15), ends_at=govclock.at(2026, 3, 5, 16), guests=GUESTS)
    other = act(e.triage, CreateInterview, e.city_portal, title="另一访谈", summary="另一访谈的简介内容。",
                starts_at=govclock.at(2026, 3, 6, 15), ends_at=govclock.at(2026, 3, 6, 16), guests=GUESTS)
    question = ask_interview(interview)
    client = login(e.triage)
    # a question is moderated only through its own interview's address
    assert client.post(url("question_moderate", other.pk, question.pk), {"decision": "approve"}).status_code == 404
    client.post(url("question_moderate", interview.pk, question.pk), {"decision": "reject"})
    question.refresh_from_db()
    assert question.status == QuestionStatus.REJECTED
    again = client.post(url("question_moderate", interview.pk, question.pk), {"decision": "approve"}, follow=True)
    assert any("已处理" in m for m in flashed(again))
    assert InterviewQuestion.objects.get().status == QuestionStatus.REJECTED


# -- knowledge base ---------------------------------------------------------------------------------


@pytest.mark.rule("INT-04")
def test_an_entry_from_a_group_of_candidates(e, clock):
    first, _ = submit(e.channels[ChannelKind.CONSULTATION], title="租房提取住房公积金需要哪些材料",
                      body="请问租房提取住房公积金需要准备哪些材料？", phone="13911110001", client_hash="a")
    second, _ = submit(e.channels[ChannelKind.CONSULTATION], title="租房如何提取住房公积金",
                       body="请问租房提取住房公积金需要哪些材料，在哪里办理？", phone="13911110002", client_hash="b")
    answered(e, first, body="携带身份证和租房合同到公积金中心办理。")
    clock.set(govclock.at(2026, 3, 4))
    answered(e, second, body="携带身份证、租房合同和完税证明到公积金中心或网上办理。")
    client = login(e.triage)
    page = client.get(url("candidates", site=e.city_portal.pk))
    assert page.status_code == 200
    [item] = page.context["clusters"]
    assert item["cluster"].ids == [second.pk, first.pk]
    form = client.get(item["create_url"])
    assert "携带身份证、租房合同和完税证明到公积金中心或网上办理。" in text(form)  # the most recent reply
    assert form.context["form"].initial["source_messages"] == f"{second.pk},{first.pk}"

    created = client.post(item["create_url"], {"question": "租房如何提取住房公积金？", "answer": "携带身份证、租房合同办理。",
                                               "department": e.water.pk, "keywords": "公积金 租房",
                                               "source_messages": f"{second.pk},{first.pk}"})
    entry = KnowledgeEntry.objects.get()
    assert created.status_code == 302 and created["Location"] == url("entry", entry.pk)
    assert entry.keywords == "公积金、租房" and entry.source_messages.count() == 2
    assert knowledge.candidates(e.city_portal) == []

    PublishRequest.objects.all().delete()
    client.post(url("entry_publish", entry.pk))
    entry.refresh_from_db()
    assert entry.published_at is not None
    assert PublishRequest.objects.filter(site=e.city_portal, reason="dynamic:interaction").exists()
    refused = client.post(url("entry_unpublish", entry.pk), {"reason": ""}, follow=True)
    assert any("撤下理由" in m for m in flashed(refused))
    entry.refresh_from_db()
    assert entry.published_at is not None
    client.post(url("entry_unpublish", entry.pk), {"reason": "政策调整"})
    entry.refresh_from_db()
    assert entry.published_at is None
    listing = client.get(url("entries"))
    assert entry.question in text(listing)


def test_entry_sources_cannot_be_forged(e):
    client = login(e.triage)
    data = {"question": "一个问题的标题", "answer": "一个问题的解答。", "source_messages": "1,abc"}
    response = client.post(url("entry_new", site=e.city_portal.pk), data)
    assert response.status_code == 400 and "来源留言无效" in text(response)
    county, _ = submit(e.county_channel, title="县里的咨询", body="请问县里的问题怎么办理？")
    response = client.post(url("entry_new", site=e.city_portal.pk), {**data, "source_messages": str(county.pk)})
    assert response.status_code == 400 and "来源留言须是本网站已答复并公开的留言" in text(response)
    assert not KnowledgeEntry.objects.exists()


def test_open_surveys_refuse_locked_field_tampering(e):
    survey = act(e.triage, CreateSurvey, e.city_portal, title="城市调查", description="城市调查的征集说明。",
                 opens_at=govclock.at(2026, 3, 2), closes_at=govclock.at(2026, 3, 20), questions=QUESTIONS)
    act(e.triage, OpenSurvey, survey)
    client = login(e.triage)
    response = client.post(url("survey_edit", survey.pk), {
        "title": survey.title, "description": survey.description, "opens_at": "2026-03-01T09:00",
        "closes_at": "2026-03-25T18:00", "questions": "[文字] 改过的问题"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.opens_at == govclock.at(2026, 3, 2) and survey.questions.count() == 3
