"""The knowledge base (INT-04): answered questions grouped as near-duplicates, curated into
entries and published."""

import itertools
import random
import time

import pytest

from govsites import clock as govclock
from govsites.actions import NotAllowed
from govsites.audit.models import AuditLogEntry
from govsites.interaction import knowledge
from govsites.interaction.actions import (
    CreateEntry,
    EditEntry,
    InteractionError,
    PublishEntry,
    UnpublishEntry,
)
from govsites.interaction.models import ChannelKind, KnowledgeEntry, MessageStatus
from govsites.publishing.models import PublishRequest

from .estate import act, answered, interaction_estate, submit

pytestmark = pytest.mark.django_db

QUESTIONS = {
    "river1": ("关于溪口河段整治工程开工时间的咨询", "请问溪口河段的整治工程什么时候开工？"),
    "river2": ("溪口河段整治工程开工时间咨询", "请问溪口河段整治工程什么时候开工？谢谢。"),
    "river3": ("咨询溪口河段整治工程的开工时间", "溪口河段的整治工程什么时候能开工？"),
    "fund1": ("租房提取住房公积金需要哪些材料", "请问租房提取住房公积金需要准备哪些材料？"),
    "fund2": ("租房如何提取住房公积金", "请问租房提取住房公积金需要哪些材料，在哪里办理？"),
    "parking": ("关于幸福路增设停车位的建议", "建议在幸福路两侧增设临时停车位，缓解停车难。"),
}
_phones = itertools.count(13900000000)


@pytest.fixture
def e(clock):
    return interaction_estate()


def ask(e, key, kind=ChannelKind.CONSULTATION, **extra):
    title, body = QUESTIONS[key]
    phone = str(next(_phones))
    message, _code = submit(e.channels[kind], title=title, body=body, phone=phone, client_hash=phone, **extra)
    return message


@pytest.fixture
def answered_questions(e, clock):
    """Six answered, published questions, answered a day apart in the order of QUESTIONS."""
    done = {}
    for day, key in enumerate(QUESTIONS, start=3):
        message = ask(e, key)
        clock.set(govclock.at(2026, 3, day, 10))
        done[key] = answered(e, message, body=f"关于“{QUESTIONS[key][0]}”的答复：已转有关部门，将按计划推进。")
    return done


@pytest.mark.rule("INT-04")
def test_answered_questions_are_grouped_as_near_duplicates(e, answered_questions, clock):
    m = answered_questions
    # not candidates: unanswered, withheld at the citizen's request, error reports
    ask(e, "river1")
    private = answered(e, ask(e, "river2", wants_private=True))
    assert private.status == MessageStatus.ANSWERED and private.published_at is None
    report = ask(e, "parking", kind=ChannelKind.ERROR_REPORT, page_url="https://www.qinglan.gov.cn/a.html")
    answered(e, report)
    clusters = knowledge.candidates(e.city_portal)
    assert [c.ids for c in clusters] == [
        [m["river3"].pk, m["river2"].pk, m["river1"].pk],  # the largest group first, newest reply first
        [m["fund2"].pk, m["fund1"].pk],
        [m["parking"].pk],
    ]
    assert clusters[0].best == m["river3"] and clusters[0].size == 3
    # another site's candidates are its own
    assert knowledge.candidates(e.county_portal) == []


@pytest.mark.rule("INT-04")
def test_an_entry_from_a_group_is_published_and_its_questions_leave_the_candidates(e, answered_questions, clock):
    cluster = knowledge.candidates(e.city_portal)[0]
    best = cluster.best
    entry = act(e.triage, CreateEntry, e.city_portal, question="溪口河段整治工程何时开工？", answer=best.reply_body,
                department=best.reply_department, keywords="河道整治, 溪口，开工、河道整治",
                source_messages=cluster.messages)
    assert entry.keywords == "河道整治、溪口、开工" and entry.published_at is None
    assert set(entry.source_messages.values_list("pk", flat=True)) == set(cluster.ids)
    assert [c.size for c in knowledge.candidates(e.city_portal)] == [2, 1]

    PublishRequest.objects.all().delete()
    clock.set(govclock.at(2026, 3, 20, 9))
    act(e.triage, PublishEntry, entry)
    entry.refresh_from_db()
    assert entry.published_at == govclock.at(2026, 3, 20, 9)
    assert PublishRequest.objects.filter(site=e.city_portal, reason="dynamic:interaction").exists()
    with pytest.raises(InteractionError, match="已经发布"):
        act(e.triage, PublishEntry, entry)
    with pytest.raises(InteractionError):
        act(e.triage, UnpublishEntry, entry, "")
    act(e.triage, UnpublishEntry, entry, "相关政策已调整，待更新")
    entry.refresh_from_db()
    assert entry.published_at is None
    logged = list(AuditLogEntry.objects.filter(action__startswith="interaction.knowledge.")
                  .order_by("seq").values_list("action", "reason"))
    assert logged == [("interaction.knowledge.create", ""), ("interaction.knowledge.publish", ""),
                      ("interaction.knowledge.unpublish", "相关政策已调整，待更新")]


def test_an_entry_rests_only_on_published_messages_of_its_site(e, answered_questions):
    private = answered(e, ask(e, "river2", wants_private=True))
    unanswered = ask(e, "fund1")
    county_message, _ = submit(e.county_channel, title="县里的咨询", body="请问县里的问题怎么办理？")
    for sources in ([private], [unanswered], [county_message], [answered_questions["fund1"], 10**9]):
        with pytest.raises(InteractionError) as refused:
            act(e.triage, CreateEntry, e.city_portal, question="一个问题的标题", answer="一个问题的解答。",
                source_messages=sources)
        assert "source_messages" in refused.value.message_dict
    assert not KnowledgeEntry.objects.exists()


@pytest.mark.parametrize("fields, key", [
    ({"question": "短"}, "question"),
    ({"question": "问" * 201}, "question"),
    ({"answer": ""}, "answer"),
    ({"keywords": "、".join(f"词{n}" for n in range(11))}, "keywords"),
    ({"keywords": "超" * 21}, "keywords"),
])
def test_bad_entries_are_refused(e, fields, key):
    values = {"question": "如何提取住房公积金？", "answer": "携带身份证到公积金中心办理。", **fields}
    with pytest.raises(InteractionError) as refused:
        act(e.triage, CreateEntry, e.city_portal, **values)
    assert key in refused.value.message_dict
    assert not KnowledgeEntry.objects.exists()


def test_editing_an_entry(e, answered_questions):
    entry = act(e.triage, CreateEntry, e.city_portal, question="如何提取住房公积金？", answer="携带身份证到公积金中心办理。",
                source_messages=[answered_questions["fund1"]])
    act(e.triage, EditEntry, entry, question="租房如何提取住房公积金？", answer=entry.answer, keywords="公积金",
        source_messages=[answered_questions["fund1"], answered_questions["fund2"]])
    entry.refresh_from_db()
    assert entry.question == "租房如何提取住房公积金？" and entry.source_messages.count() == 2
    changes = AuditLogEntry.objects.get(action="interaction.knowledge.edit").changes
    assert set(changes) == {"question", "keywords"}
    with pytest.raises(InteractionError, match="没有变化"):
        act(e.triage, EditEntry, entry, question=entry.question, answer=entry.answer, keywords="公积金",
            source_messages=[answered_questions["fund1"], answered_questions["fund2"]])


def test_who_may_curate_entries(e, answered_questions):
    for refused in (e.outsider, e.county_triage, e.water_handler):
        with pytest.raises(NotAllowed):
            act(refused, CreateEntry, e.city_portal, question="如何提取住房公积金？", answer="携带身份证办理。")
    # a department's handlers write their department's entries, and only those
    entry = act(e.water_handler, CreateEntry, e.city_portal, question="河道整治何时开工？", answer="明年3月开工。",
                department=e.water)
    with pytest.raises(NotAllowed):
        act(e.stats_handler, PublishEntry, entry)
    with pytest.raises(NotAllowed):
        act(e.water_handler, EditEntry, entry, question=entry.question, answer=entry.answer, department=e.stats)
    act(e.water_handler, PublishEntry, entry)


# -- the grouping itself -----------------------------------------------------------------------


def brute_force(docs, threshold):
    sets = [knowledge.shingles(text) for _, text in docs]
    parent = list(range(len(docs)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(docs)), 2):
        if knowledge.jaccard(sets[i], sets[j]) >= threshold:
            parent[root(i)] = root(j)
    groups = {}
    for n, (key, _) in enumerate(docs):
        groups.setdefault(root(n), []).append(key)
    return sorted(groups.values())


@pytest.mark.rule("INT-04")
def test_grouping_finds_exactly_the_pairs_comparing_every_pair_would():
    rng = random.Random(7)
    for _ in range(200):
        alphabet = "河道整治工程开工时间咨询"[: rng.randint(3, 12)]
        docs = [(n, "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))) for n in range(rng.randint(1, 25))]
        threshold = rng.choice([0.2, 0.3, 0.4, 0.5, 0.7, 1.0])
        assert sorted(knowledge.group(docs, threshold)) == brute_force(docs, threshold), (docs, threshold)


def test_grouping_ignores_spacing_punctuation_case_and_width():
    docs = [(1, "公积金 提取，需要哪些材料？"), (2, "公积金提取需要哪些材料"), (3, "ＡＢＣ证明"), (4, "abc证明"), (5, "")]
    assert knowledge.group(docs, 0.99) == [[1, 2], [3, 4], [5]]
    with pytest.raises(ValueError):
        knowledge.group(docs, 0)


def test_grouping_is_deterministic_and_fast_enough_for_a_large_site():
    rng = random.Random(11)
    stock = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 1500))
    words = ["".join(rng.choice(stock) for _ in range(2)) for _ in range(2000)]
    weights = [1 / (k + 1) for k in range(len(words))]
    topics = ["".join(rng.choices(words, weights, k=rng.randint(10, 40))) for _ in range(1500)]
    docs = []
    for n in range(5000):
        text = list(rng.choice(topics))
        for _ in range(rng.randint(0, 4)):
            text[rng.randrange(len(text))] = rng.choice(stock)
        docs.append((n, "".join(text)))
    started = time.process_time()
    groups = knowledge.group(docs)
    spent = time.process_time() - started
    # every pair compared would be 12.5 million Jaccard computations (minutes); this takes seconds
    assert spent < 30, spent
    assert groups == knowledge.group(list(docs))
    assert sum(len(g) for g in groups) == 5000 and max(len(g) for g in groups) > 1
