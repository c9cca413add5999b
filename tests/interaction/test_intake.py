"""The submission intake (govsites.interaction.intake): one statement on PostgreSQL, ORM steps
elsewhere — the same outcome either way. These tests run on both databases."""

import threading

import pytest
from django.db import connection

from govsites.audit.context import Actor
from govsites.interaction import intake
from govsites.interaction.actions import Submission, SubmitMessage
from govsites.interaction.actions.messages import DuplicateSubmission, ReplayedSubmission
from govsites.interaction.models import ChannelKind, EventKind, Message, RateCounter, UsedToken
from govsites.interaction.ratelimit import Limit, RateLimited
from govsites.privacy.fields import EncryptedField
from govsites.privacy.models import PersonalRecord

from .estate import interaction_estate, submit

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the one-statement path")


@pytest.fixture
def e(db, clock):
    return interaction_estate()


def comparable(instance):
    """Every stored column of ``instance``, personal data decrypted."""
    out = {}
    for field in instance._meta.local_concrete_fields:
        value = getattr(instance, field.attname)
        out[field.attname] = value.reveal() if isinstance(field, EncryptedField) and value else value
    return out


def test_every_column_is_stored_as_built(e):
    channel = e.channels[ChannelKind.ERROR_REPORT]
    action = SubmitMessage(Actor(user=None, via="public"), Submission(
        channel=channel, title="页面错别字", body="“工作动态”栏目第一篇文章有错别字。", name="王五", phone="13600000000",
        email="wang@example.cn", address="澜川市北街1号", page_url="https://www.example.gov.cn/a.html",
        wants_private=True, token="t-columns", client_hash="client-columns"))
    message, code = action.execute()
    stored = Message.objects.get(pk=message.pk)
    assert comparable(stored) == comparable(message)
    assert comparable(stored.submitter) == comparable(message.submitter)
    assert stored.submitter.email.reveal() == "wang@example.cn" and stored.submitter.phone_index
    assert stored.query_code_matches(code) and stored.page_url == "https://www.example.gov.cn/a.html"
    assert UsedToken.objects.get(token="t-columns").receipt == stored.case_number
    assert list(stored.events.values_list("kind", "at")) == [(EventKind.RECEIVED, stored.received_at)]


def test_the_same_text_from_the_same_address_is_a_duplicate_without_a_case_number(e):
    submit(e.channels[ChannelKind.CONSULTATION], phone="13500000001", client_hash="client-x")
    with pytest.raises(DuplicateSubmission) as refused:
        submit(e.channels[ChannelKind.CONSULTATION], phone="13500000002", client_hash="client-x")
    assert refused.value.case_number == "" and "请勿重复提交" in refused.value.messages[0]
    assert Message.objects.count() == 1


def test_refusals_still_count_against_the_limits_and_over_the_limit_stores_nothing(e):
    limits = (Limit("a:intake-test", 2),)
    channel = e.channels[ChannelKind.CONSULTATION]
    submit(channel, limits=limits)
    with pytest.raises(DuplicateSubmission):
        submit(channel, limits=limits)
    assert RateCounter.objects.get(key="a:intake-test").count == 2  # the refused one is counted too
    with pytest.raises(RateLimited) as refused:
        submit(channel, title="另一个问题", body="第三次提交，超过限额。", limits=limits)
    assert refused.value.retry_after > 0
    assert RateCounter.objects.get(key="a:intake-test").count == 3
    assert Message.objects.count() == 1 and PersonalRecord.objects.count() == 1 and UsedToken.objects.count() == 1


@postgresql_only
def test_case_numbers_grow_past_seven_digits(e):
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('interaction_message', 'id'), 12345677)")
    message, _code = submit(e.channels[ChannelKind.CONSULTATION])
    assert message.pk == 12345678 and message.case_number.endswith("12345678")
    assert UsedToken.objects.get().receipt == message.case_number
    assert Message.objects.by_case_number(message.case_number) == message


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_form_sent_eight_times_at_once_is_stored_once(clock):
    e = interaction_estate()
    channel = e.channels[ChannelKind.CONSULTATION]
    barrier, results = threading.Barrier(8), []

    def send(i):
        try:
            barrier.wait()
            message, _ = SubmitMessage(Actor(user=None, via="public"), Submission(
                channel=channel, title="并发提交", body=f"同一张表单同时提交{i}次。", name="赵六", phone=f"1370000000{i}",
                token="one-token", client_hash=f"client-{i}")).execute()
            results.append(("stored", message.case_number))
        except ReplayedSubmission as exc:
            results.append(("replay", exc.receipt))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = [number for kind, number in results if kind == "stored"]
    assert len(stored) == 1 and len(results) == 8
    assert {number for kind, number in results if kind == "replay"} == set(stored)
    assert Message.objects.count() == 1 and PersonalRecord.objects.count() == 1


def test_the_intake_is_chosen_by_database(e):
    """Guards the claim of the module docstring: PostgreSQL takes the one-statement path."""
    channel = e.channels[ChannelKind.CONSULTATION]
    action = SubmitMessage(Actor(user=None, via="public"), Submission(
        channel=channel, title="路径检查", body="看一看走的是哪条路径。", name="钱七", phone="13300000000", token="t-path"))
    message, _code = action.build()
    seen = []
    with connection.execute_wrapper(lambda execute, sql, *args: seen.append(sql) or execute(sql, *args)):
        outcome = intake.store(intake.Intake(message=message, record=message.submitter, token="t-path", limits=(),
                                             duplicate_since=message.received_at))
    assert outcome.stored and Message.objects.filter(pk=message.pk).exists()
    # the prepared statement bypasses Django's cursor wrappers: none of the ORM's inserts are seen
    inserts = [sql for sql in seen if sql.lstrip().upper().startswith("INSERT")]
    assert (inserts == []) if connection.vendor == "postgresql" else len(inserts) == 4
