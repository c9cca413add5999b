"""The demo's interaction platform: columns, roles, messages in every state, surveys, interviews and
knowledge base entries, played through the actions."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from govsites import clock
from govsites.content.models import SiteMembership, SiteRole
from govsites.demo import accounts, estate, interaction
from govsites.interaction.models import (
    Channel,
    ChannelKind,
    EventKind,
    HandlerAssignment,
    HandlerRole,
    Interview,
    InterviewStatus,
    KnowledgeEntry,
    Message,
    MessageKind,
    MessageStatus,
    Survey,
    SurveyStatus,
)
from govsites.registry.models import Site, SiteStatus


@pytest.fixture(scope="module")
def played(demo, django_db_blocker):
    """The demo accounts and the interaction demo, once for the module (inside its rollback)."""
    with django_db_blocker.unblock():
        accounts.issue_all()
        moment = clock.now()
        with clock.frozen(moment):
            made = interaction.play()
        yield made, moment


def snapshot():
    return sorted(Message.objects.values_list("site__name", "title", "status", "received_at"))


@pytest.mark.rule("INT-01")
def test_every_online_hosted_site_gets_its_columns(played, db):
    sites = Site.objects.within(estate.demo_root()).filter(status=SiteStatus.ONLINE, hosted=True)
    assert sites.count() > 10
    for site in sites:
        kinds = set(Channel.objects.filter(site=site).values_list("kind", flat=True))
        assert kinds == set(ChannelKind.values), site.name
    assert not Channel.objects.filter(site__hosted=False).exists()


def test_the_demo_accounts_get_their_message_roles(played, db):
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    root = estate.demo_root()
    province, capital = accounts.portal_of("province", root), accounts.portal_of("city", root)
    assert SiteMembership.objects.filter(user=users["demo-editor"], site=province,
                                         role=SiteRole.MESSAGE_HANDLER).exists()
    assert SiteMembership.objects.filter(user=users["demo-city-editor"], site=capital,
                                         role=SiteRole.MESSAGE_HANDLER).exists()
    handled = set(HandlerAssignment.objects.filter(user=users["demo-reviewer"], role=HandlerRole.HANDLER)
                  .values_list("institution_id", flat=True))
    approved = set(HandlerAssignment.objects.filter(user=users["demo-secrecy"], role=HandlerRole.APPROVER)
                   .values_list("institution_id", flat=True))
    assert handled == approved and len(handled) > 5
    # every message routed to a department is one the demo accounts can answer
    assert set(Message.objects.exclude(department=None).values_list("department_id", flat=True)) <= handled


@pytest.mark.rule("INT-02")
def test_messages_in_every_state(played, db):
    made, moment = played
    assert 40 <= made.messages <= 60
    assert set(Message.objects.values_list("status", flat=True)) == set(MessageStatus.values)
    assert {s for s, n in made.states.items() if n} == set(MessageStatus.values)
    open_overdue = [m for m in Message.objects.open() if m.overdue(moment)]
    assert len(open_overdue) >= 2
    invalid = Message.objects.get(status=MessageStatus.INVALID)
    assert invalid.invalid_reason
    assert Message.objects.filter(kind=MessageKind.ERROR_REPORT).count() == 1
    assert Message.objects.filter(forwarded_from__isnull=False).count() == 1  # INT-06
    assert Message.objects.filter(policy_suggestion=True, status=MessageStatus.ANSWERED).count() == 1  # INT-03
    published = Message.objects.published()
    assert published.count() >= 20
    assert all(m.reply_department_id and m.accepted_at and m.replied_at for m in published)
    assert Message.objects.filter(status=MessageStatus.ANSWERED, published_at=None).exclude(withheld_reason="")\
        .exists()
    assert Message.objects.filter(events__kind=EventKind.REPLY_REJECTED).exists()
    assert Message.objects.values("site").distinct().count() >= 3
    # the story is in the past: nothing happened after "now"
    assert not Message.objects.filter(received_at__gt=moment).exists()


@pytest.mark.rule("INT-01")
def test_surveys_and_interviews(played, db):
    _made, moment = played
    open_survey = Survey.objects.get(status=SurveyStatus.OPEN)
    assert open_survey.is_open(moment) and open_survey.responses.count() > 20
    done = Survey.objects.get(status=SurveyStatus.RESULTS_PUBLISHED)
    assert done.results_summary and done.adoption_feedback and done.responses.count() > 20
    interview = Interview.objects.get(status=InterviewStatus.PUBLISHED)
    assert interview.transcript and interview.questions.filter(status="answered").count() == 3
    assert interview.questions.filter(status="rejected").count() == 1
    coming = Interview.objects.get(status=InterviewStatus.SCHEDULED)
    assert coming.takes_questions(moment) and coming.questions.filter(status="pending").count() == 2


@pytest.mark.rule("INT-04")
def test_knowledge_entries_from_grouped_questions(played, db):
    entries = KnowledgeEntry.objects.all()
    assert entries.count() >= 3
    assert entries.filter(published_at__isnull=False).count() >= 2
    for entry in entries:
        sources = list(entry.source_messages.all())
        assert len(sources) >= 2 and all(m.is_public for m in sources)


def test_a_second_run_adds_nothing(played, db):
    before = snapshot()
    made = interaction.play()
    assert made.messages == 0 and made.channels == 0 and made.roles == 0
    assert snapshot() == before


def test_the_same_seed_plays_the_same_story_and_reset_clears_it(played, db):
    _made, moment = played
    before = snapshot()
    interaction.reset()
    assert not Message.objects.exists() and not Channel.objects.exists()
    with clock.frozen(moment):
        interaction.play()
    assert snapshot() == before
    interaction.reset()
    estate.reset()  # the estate can be cleared once its interaction data is gone
    assert not Site.objects.exists()


@pytest.mark.rule("INT-05")
@pytest.mark.parametrize("name", ["shanxi", "chongqing"])
def test_the_story_plays_under_every_profile(played, db, profile, name):
    _made, moment = played
    profile(name)
    interaction.reset()
    with clock.frozen(moment):
        made = interaction.play()
    assert made.messages == played[0].messages
    report = Message.objects.get(kind=MessageKind.ERROR_REPORT)
    assert report.status == MessageStatus.ANSWERED
    if name == "shanxi":  # answered, passed up, published after the provincial office's review
        assert report.passed_up_at is not None and report.published_at is None
    else:  # forwarded to the site's sponsor first
        assert report.forwarded_at is not None and report.published_at is not None


def test_the_command_reports_what_it_made(played, db):
    interaction.reset()
    out = StringIO()
    call_command("demo_interaction", stdout=out)
    text = out.getvalue()
    assert "已生成留言" in text and "知识库条目" in text and "demo-editor" in text
    again = StringIO()
    call_command("demo_interaction", stdout=again)
    assert "未重复生成" in again.getvalue()


def test_no_interaction_demo_without_the_accounts(played, db):
    get_user_model().objects.filter(username="demo-secrecy").update(username="former-secrecy")
    with pytest.raises(CommandError, match="demo_accounts"):
        call_command("demo_interaction", stdout=StringIO())
