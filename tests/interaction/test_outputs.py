"""The interaction platform on the static sites: columns with their purpose and use (INT-01),
published results with the four INT-02 fields and no personal data, the knowledge base (INT-04),
surveys, interviews and statistics — published through the real pipeline to a temporary front."""

import datetime as dt

import pytest

from govsites import clock as govclock
from govsites.content.sites import ensure_site_tree
from govsites.interaction import outputs
from govsites.interaction.actions import PublishMessage, WithholdPublication
from govsites.interaction.models import (
    ChannelKind,
    Interview,
    InterviewGuest,
    InterviewQuestion,
    InterviewStatus,
    KnowledgeEntry,
    QuestionStatus,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from govsites.interaction.models.surveys import QuestionKind
from govsites.publishing import paths
from govsites.publishing.loading import SiteData
from govsites.publishing.models import PublishRequest
from govsites.publishing.pipeline import publish_site
from govsites.publishing.planning import Planner

from .estate import act, answered, interaction_estate, submit

pytestmark = pytest.mark.django_db

PUBLIC = "https://hd.qinglan.gov.cn"


@pytest.fixture
def e(clock, front, settings):
    settings.GOVSITES_PUBLIC_URL = PUBLIC
    estate = interaction_estate()
    for site in (estate.city_portal, estate.stats_site):
        ensure_site_tree(site)
    return estate


def page(front, site, path: str) -> str:
    return (front.path / paths.site_key(site) / path).read_text()


def exists(front, site, path: str) -> bool:
    return (front.path / paths.site_key(site) / path).exists()


def published_message(e, **fields):
    """A consultation submitted by 张三 and answered by the water bureau (published)."""
    reply = fields.pop("reply", "张三您好：溪口河段整治工程计划于明年3月开工，届时将在网站公布。")
    message, _code = submit(e.channels[ChannelKind.CONSULTATION], **fields)
    return answered(e, message, body=reply)


@pytest.mark.rule("INT-01")
def test_every_column_states_its_purpose_and_use_and_posts_to_the_public_service(e, front):
    e.channels[ChannelKind.LEADER_MAILBOX].enabled = False
    e.channels[ChannelKind.LEADER_MAILBOX].save()
    publish_site(e.city_portal, full=True)

    index = page(front, e.city_portal, outputs.INDEX)
    for kind, channel in e.channels.items():
        if kind == ChannelKind.LEADER_MAILBOX:
            assert f'id="channel-{kind}"' not in index  # a closed column is not offered
            assert not exists(front, e.city_portal, outputs.channel_page(kind))
            continue
        assert str(channel.title) in index and channel.purpose in index and channel.usage in index
        assert "开设宗旨" in index and "使用方式" in index
    assert f'href="{PUBLIC}/cases/lookup"' in index

    consultation = e.channels[ChannelKind.CONSULTATION]
    form = page(front, e.city_portal, outputs.channel_page(ChannelKind.CONSULTATION))
    assert f'action="{PUBLIC}/messages/new?channel={consultation.pk}"' in form
    assert 'method="post"' in form
    for name in ("title", "body", "name", "phone", "email", "wants_private"):
        assert f'name="{name}"' in form
    assert 'name="page_url"' not in form
    report = page(front, e.city_portal, outputs.channel_page(ChannelKind.ERROR_REPORT))
    assert 'name="page_url"' in report and 'type="url"' in report
    # columns without messages lead to their sections
    assert 'href="surveys/"' in index and 'href="interviews/"' in index


def test_without_a_public_service_the_columns_are_shown_without_forms(e, front, settings):
    settings.GOVSITES_PUBLIC_URL = ""
    publish_site(e.city_portal, full=True)
    form = page(front, e.city_portal, outputs.channel_page(ChannelKind.CONSULTATION))
    assert "<form" not in form and "网上提交暂未开通" in form
    assert "/cases/lookup" not in page(front, e.city_portal, outputs.INDEX)


def test_a_site_without_interaction_has_no_interaction_pages(e, front):
    publish_site(e.stats_site, full=True)
    assert exists(front, e.stats_site, paths.HOME)
    assert not exists(front, e.stats_site, outputs.INDEX)
    assert 'href="hudong/"' not in page(front, e.stats_site, paths.HOME)


@pytest.mark.rule("INT-01")
def test_the_sites_interaction_link_leads_to_its_interaction_pages(e, front):
    publish_site(e.city_portal, full=True)
    home = page(front, e.city_portal, paths.HOME)
    assert '<a href="hudong/">互动交流</a>' in home


@pytest.mark.rule("INT-02")
def test_a_published_result_shows_the_four_fields_and_never_the_writer(e, front, clock):
    clock.set(govclock.at(2026, 3, 2, 10, 0))
    publish_site(e.city_portal, full=True)
    clock.set(govclock.at(2026, 3, 3, 9, 0))
    message = published_message(
        e, name="张三", phone="13912345678", email="zhangsan@example.com", address="青岚市溪口县桃源镇幸福路8号",
        body="我是张三，住在青岚市溪口县桃源镇幸福路8号，电话13912345678，邮箱zhangsan@example.com，"
             "身份证110101199003074578，座机0351-7654321。请问溪口河段整治工程何时开工？",
    )
    assert message.published_at is not None
    publish_site(e.city_portal)

    path = outputs.message_page(message)
    html = page(front, e.city_portal, path)
    assert message.case_number in html and message.title in html
    for label, value in (("受理日期", "2026-03-03"), ("答复日期", "2026-03-03"), ("答复部门", e.water.name)):
        assert f'<th scope="row">{label}</th><td>{value}</td>' in html
    assert "溪口河段整治工程计划于明年3月开工" in html  # 答复内容
    assert "请问溪口河段整治工程何时开工" in html
    for personal in ("张三", "13912345678", "zhangsan@example.com", "幸福路8号", "110101199003074578", "7654321"):
        assert personal not in html
    assert "张**" in html and "139****5678" in html
    assert '<meta name="PubDate" content="2026-03-03 09:00">' in html

    listing = page(front, e.city_portal, outputs.section_index(outputs.MESSAGES_DIR))
    assert f'href="{path.removeprefix(outputs.MESSAGES_DIR)}"' in listing and "张三" not in listing
    channel = page(front, e.city_portal, outputs.channel_page(ChannelKind.CONSULTATION))
    assert message.title in channel  # the column's latest answers


@pytest.mark.rule("INT-02")
def test_a_withheld_result_disappears_from_the_site(e, front):
    message = published_message(e)
    publish_site(e.city_portal, full=True)
    path = outputs.message_page(message)
    assert exists(front, e.city_portal, path)

    act(e.triage, WithholdPublication, message, "留言人反映的情况经核实为虚假信息。")
    assert PublishRequest.objects.filter(site=e.city_portal, reason=f"dynamic:{outputs.NAME}").exists()
    result = publish_site(e.city_portal)
    assert path in result.release.changes["removed"]
    assert not exists(front, e.city_portal, path)
    assert message.title not in page(front, e.city_portal, outputs.section_index(outputs.MESSAGES_DIR))

    message.refresh_from_db()
    act(e.triage, PublishMessage, message)
    publish_site(e.city_portal)
    assert exists(front, e.city_portal, path)


def test_html_in_a_message_is_shown_as_text(e, front):
    message = published_message(e, title="<b>河道</b>整治咨询", body="<script>alert('x')</script>请问何时开工？",
                                reply="<img src=x onerror=alert(1)>明年开工。")
    publish_site(e.city_portal, full=True)
    html = page(front, e.city_portal, outputs.message_page(message))
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>河道</b>" not in html and "&lt;b&gt;河道&lt;/b&gt;" in html


def test_a_new_result_renders_its_own_page_not_the_earlier_ones(e, front, clock):
    first = published_message(e)
    publish_site(e.city_portal, full=True)
    clock.set(govclock.at(2026, 3, 4, 9, 0))
    second = published_message(e, title="关于自来水水压的咨询", body="我家小区自来水水压太低，请问如何解决？")
    plan = Planner(SiteData.load(e.city_portal)).for_items((), (), {outputs.NAME})
    assert outputs.message_page(second) in plan.outputs
    assert outputs.message_page(first) not in plan.outputs  # unchanged since it went out
    assert outputs.message_page(first) not in plan.removes
    result = publish_site(e.city_portal)
    written = set(result.release.changes["written"])
    assert outputs.message_page(second) in written and outputs.message_page(first) not in written
    assert exists(front, e.city_portal, outputs.message_page(first))
    # the admin preview still finds the earlier page, byte for byte
    preview = Planner(SiteData.load(e.city_portal)).for_path(outputs.message_page(first))
    assert preview is not None
    assert preview.render() == (front.path / paths.site_key(e.city_portal) / outputs.message_page(first)).read_bytes()


def test_results_are_listed_newest_first_on_stable_pages(e, front, clock, monkeypatch):
    monkeypatch.setattr(outputs, "PAGE_SIZE", 2)
    messages = []
    for n in range(3):
        clock.set(govclock.at(2026, 3, 2 + n, 9, 0))
        messages.append(published_message(e, title=f"第{n + 1}条关于河道的咨询", body=f"第{n + 1}条留言的内容。"))
    publish_site(e.city_portal, full=True)
    index = page(front, e.city_portal, outputs.section_index(outputs.MESSAGES_DIR))
    assert index.index("第3条") < index.index("第2条") and "第1条" not in index
    assert 'href="list_2.html"' in index and 'href="list_1.html"' in index
    oldest = page(front, e.city_portal, outputs.messages_list(1))
    assert oldest.index("第2条") < oldest.index("第1条") and "第3条" not in oldest


@pytest.mark.rule("INT-02")
def test_the_statistics_page_shows_the_year_figures(e, front, clock):
    clock.set(govclock.at(2026, 3, 2, 10, 0))
    published_message(e)
    submit(e.channels[ChannelKind.COMPLAINT], title="投诉噪音扰民", body="夜间施工噪音扰民，请处理。", phone="13700000000")
    clock.set(govclock.at(2026, 3, 2, 11, 0))
    publish_site(e.city_portal, full=True)
    html = page(front, e.city_portal, outputs.STATISTICS)
    row = html[html.index("<th scope=\"row\">2026年"):]
    row = row[: row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    # received, answered, on-time rate, average working days, overdue, open not due, published
    assert cells == ["2", "1", "100.0%", "0.0", "0", "1", "1"]


@pytest.mark.rule("INT-04")
def test_the_knowledge_base_is_published_by_department_and_keyword(e, front, clock):
    source = published_message(e)
    entry = KnowledgeEntry.objects.create(
        site=e.city_portal, department=e.water, question="溪口河段整治工程什么时候开工？",
        answer="溪口河段整治工程计划于明年3月开工。\n开工前将在网站公布。", keywords="河道，整治 开工",
        published_at=govclock.now(),
    )
    entry.source_messages.add(source)
    draft = KnowledgeEntry.objects.create(site=e.city_portal, question="尚未发布的问题？", answer="草稿。")
    publish_site(e.city_portal, full=True)

    index = page(front, e.city_portal, outputs.section_index(outputs.KNOWLEDGE_DIR))
    assert e.water.name in index and entry.question in index and draft.question not in index
    assert "河道（1）" in index and "整治（1）" in index and "开工（1）" in index
    html = page(front, e.city_portal, outputs.knowledge_page(entry.pk))
    assert "<p>溪口河段整治工程计划于明年3月开工。</p>" in html and "<p>开工前将在网站公布。</p>" in html
    keyword = page(front, e.city_portal, outputs.keyword_page("整治"))
    assert entry.question in keyword
    assert not exists(front, e.city_portal, outputs.knowledge_page(draft.pk))

    entry.published_at = None
    entry.save()
    PublishRequest.objects.create(site=e.city_portal, reason=f"dynamic:{outputs.NAME}")
    result = publish_site(e.city_portal)
    assert outputs.knowledge_page(entry.pk) in result.release.changes["removed"]
    assert outputs.keyword_page("整治") in result.release.changes["removed"]


def survey(e, status, **fields):
    now = govclock.now()
    found = Survey.objects.create(
        site=e.city_portal, department=e.water, title=fields.pop("title", "溪口河段整治方案意见征集"),
        description="欢迎对整治方案提出意见。", opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=10), status=status, **fields,
    )
    choice = SurveyQuestion.objects.create(survey=found, order=1, text="您是否支持整治方案？", kind=QuestionKind.SINGLE,
                                           choices=["支持", "不支持"])
    text = SurveyQuestion.objects.create(survey=found, order=2, text="其他意见", kind=QuestionKind.TEXT, required=False)
    return found, choice, text


def test_surveys_take_answers_while_open_and_publish_counts_not_texts(e, front):
    open_survey, choice, text = survey(e, SurveyStatus.OPEN)
    done, done_choice, done_text = survey(
        e, SurveyStatus.RESULTS_PUBLISHED, title="自来水价格调整意见征集", results_summary="多数意见支持调整。",
        adoption_feedback="采纳了分档计价的建议。", results_published_at=govclock.now())
    for answers in ({str(done_choice.pk): 0, str(done_text.pk): "我的私人意见：13800138000"},
                    {str(done_choice.pk): 0}, {str(done_choice.pk): 1}):
        SurveyResponse.objects.create(survey=done, answers=answers)
    draft, *_ = survey(e, SurveyStatus.DRAFT, title="尚未发布的征集")
    publish_site(e.city_portal, full=True)

    html = page(front, e.city_portal, outputs.survey_page(open_survey.pk))
    assert f'action="{PUBLIC}/surveys/{open_survey.pk}/"' in html
    assert f'name="q{choice.pk}" value="0" type="radio"' in html and f'name="q{text.pk}"' in html

    results = page(front, e.city_portal, outputs.survey_page(done.pk))
    assert "<form" not in results and "共收到答卷 3 份" in results
    assert "<tr><th scope=\"row\">支持</th><td>2</td><td>66.7%</td></tr>" in results
    assert "收到文字意见 1 条" in results and "我的私人意见" not in results and "13800138000" not in results
    assert "采纳了分档计价的建议。" in results

    index = page(front, e.city_portal, outputs.section_index(outputs.SURVEYS_DIR))
    assert open_survey.title in index and done.title in index and draft.title not in index
    assert not exists(front, e.city_portal, outputs.survey_page(draft.pk))


def test_interviews_show_moderated_questions_only_and_the_transcript_once_published(e, front):
    now = govclock.now()
    interview = Interview.objects.create(site=e.city_portal, title="聚焦河道整治", summary="市水利局负责人在线访谈。",
                                         starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=2))
    guest = InterviewGuest.objects.create(interview=interview, name="李明", position="青岚市水利局局长")
    asked = {status: InterviewQuestion.objects.create(interview=interview, body=f"{status}的问题内容", status=status,
                                                      nickname="河边人")
             for status in QuestionStatus.values}
    InterviewQuestion.objects.filter(pk=asked[QuestionStatus.ANSWERED].pk).update(answer="明年开工。", answered_by=guest)
    publish_site(e.city_portal, full=True)

    html = page(front, e.city_portal, outputs.interview_page(interview.pk))
    assert f'action="{PUBLIC}/interviews/{interview.pk}/questions"' in html
    assert "李明（青岚市水利局局长）" in html and "网友河边人" in html
    assert "approved的问题内容" in html and "answered的问题内容" in html and "明年开工。" in html
    assert "pending的问题内容" not in html and "rejected的问题内容" not in html
    assert 'id="transcript-title"' not in html

    Interview.objects.filter(pk=interview.pk).update(status=InterviewStatus.PUBLISHED, transcript="主持人：各位网友好。",
                                                     published_at=now)
    PublishRequest.objects.create(site=e.city_portal, reason=f"dynamic:{outputs.NAME}")
    publish_site(e.city_portal)
    html = page(front, e.city_portal, outputs.interview_page(interview.pk))
    assert 'id="transcript-title"' in html and "主持人：各位网友好。" in html and "<form" not in html


def test_queue_due_queues_the_sites_whose_forms_open_or_close(e, clock):
    start = govclock.now()
    open_survey, *_ = survey(e, SurveyStatus.OPEN)
    PublishRequest.objects.all().delete()
    assert outputs.queue_due(start, start + dt.timedelta(days=9)) == 0
    assert outputs.queue_due(start + dt.timedelta(days=9), start + dt.timedelta(days=11)) == 1
    assert PublishRequest.objects.filter(site=e.city_portal, reason=f"dynamic:{outputs.NAME}").count() == 1


def test_citizen_text_masks_numbers_addresses_and_the_writers_own_details():
    own = (("幸福路8号", "幸福****"), ("王五", "王**"))
    text = outputs.citizen_text("王五，电话0351-7654321或13912345678，wang@example.com，家住幸福路8号", own)
    assert "王五" not in text and "7654321" not in text and "13912345678" not in text
    assert "wang@example.com" not in text and "王**" in text and "139****5678" in text
    assert outputs.citizen_text("12345热线和2026年3月") == "12345热线和2026年3月"
