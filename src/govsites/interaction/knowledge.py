"""Candidates for the knowledge base (INT-04): answered, published messages not yet in an entry,
grouped so that the same question sent in by many people becomes one entry.

Near-duplicates are found on **character bigrams** (Chinese has no spaces to split words on, and
bigrams catch resent, copied or lightly edited questions — not a question put in entirely
different words, see docs/interaction.md): two messages are near-duplicates when the
Jaccard similarity of their bigram sets is at least :data:`THRESHOLD`; a group is a connected
component of that relation. Pairs are found exactly, without comparing every pair, by *prefix
filtering* (Chaudhuri et al. 2006; Bayardo et al. "All-Pairs" 2007) with the positional filter of
PPJoin (Xiao et al. 2008): with the bigrams of every message sorted rarest first, two sets with
Jaccard ≥ t must share a bigram among the first ``|x| - ceil(t·|x|) + 1`` of each, and where
they first share one bounds how many they can share, so few pairs are ever compared. It is
deterministic (no hashing with a random seed, ties broken by the text) and takes one to a few
seconds for 10,000 messages in pure Python.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.functions import Substr

from .models import Message, MessageKind

#: Jaccard similarity of bigram sets from which two messages count as the same question
THRESHOLD = 0.4
#: characters of the body compared after the title: questions state themselves early, and a
#: long description of one's circumstances should not make two equal questions look different
BODY_CHARS = 100

#: how long a site's grouping is reused while its candidates stay the same
CACHE_SECONDS = 600

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def shingles(text: str) -> frozenset[str]:
    """The character bigrams of ``text`` without spaces and punctuation, case- and width-folded."""
    normal = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())
    if len(normal) < 2:
        return frozenset([normal]) if normal else frozenset()
    return frozenset(normal[i:i + 2] for i in range(len(normal) - 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def group(docs: Sequence[tuple[Hashable, str]], threshold: float = THRESHOLD) -> list[list[Hashable]]:
    """Near-duplicate groups of ``docs`` (``(key, text)`` pairs): every key in exactly one group,
    keys in input order within a group, groups in the order of their first key."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    sets = [shingles(text) for _, text in docs]
    frequency = Counter(token for s in sets for token in s)
    rank = {token: n for n, token in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    ordered = [sorted(rank[t] for t in s) for s in sets]
    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index: dict[int, list[tuple[int, int]]] = defaultdict(list)  # bigram rank → (doc, position)
    ratio = threshold / (1 + threshold)
    # Smallest sets first: everything already indexed is no larger than the set probing, so a set
    # need only index its shorter "mid-prefix" (PPJoin) while it probes with the full prefix.
    for i in sorted(range(len(docs)), key=lambda n: (len(ordered[n]), n)):
        tokens = ordered[i]
        size = len(tokens)
        if not size:
            continue
        smallest = threshold * size - 1e-9
        probe = size - math.ceil(smallest) + 1
        indexed = size - math.ceil(2 * ratio * size - 1e-9) + 1
        overlap: dict[int, int] = {}  # candidate → bigrams shared so far (-1: ruled out)
        for p, token in enumerate(tokens[:probe]):
            postings = index[token]
            for j, q in postings:
                seen = overlap.get(j, 0)
                if seen < 0:
                    continue
                other = len(ordered[j])
                # What is shared so far plus what is left of the shorter rest bounds the overlap.
                rest = size - p if size - p < other - q else other - q
                if other < smallest or seen + rest < ratio * (size + other) - 1e-9:
                    overlap[j] = -1
                else:
                    overlap[j] = seen + 1
            if p < indexed:
                postings.append((i, p))
        for j, seen in overlap.items():
            if seen > 0 and root(i) != root(j) and jaccard(sets[i], sets[j]) >= threshold:
                parent[root(i)] = root(j)
    groups: dict[int, list[Hashable]] = {}
    for n, (key, _text) in enumerate(docs):
        groups.setdefault(root(n), []).append(key)
    return list(groups.values())


@dataclass
class Cluster:
    """Messages asking the same question, the most recently answered first."""

    messages: list[Message]

    @property
    def best(self) -> Message:
        """The reply an entry starts from: the most recent one states the current policy."""
        return self.messages[0]

    @property
    def size(self) -> int:
        return len(self.messages)

    @property
    def ids(self) -> list[int]:
        return [m.pk for m in self.messages]


def pending(site):
    """Messages of ``site`` that could feed an entry: answered and published questions (not error
    reports) that no entry uses yet."""
    return (Message.objects.published().filter(site=site).exclude(kind=MessageKind.ERROR_REPORT)
            .filter(knowledge_entries__isnull=True))


def candidate_groups(site, threshold: float = THRESHOLD) -> list[list[int]]:
    """Message ids of ``site``'s candidates in near-duplicate groups, largest group first (then the
    most recently answered); within a group the most recently answered first.

    The grouping of the same rows is kept in the cache for :data:`CACHE_SECONDS` (keyed by a
    digest of the rows themselves, so it is never stale): paging through the candidates of a
    large site does not group them again for every page."""
    rows = list(
        pending(site).annotate(start=Substr("body", 1, BODY_CHARS))
        .order_by("-replied_at", "-pk").values_list("pk", "title", "start")
    )
    digest = hashlib.sha256(repr((threshold, rows)).encode()).hexdigest()
    key = f"govsites.interaction.knowledge.groups:{digest}"
    groups = cache.get(key)
    if groups is None:
        groups = group([(pk, f"{title}\n{start}") for pk, title, start in rows], threshold)
        # ``rows`` is newest first and group() keeps input order: the first id is the newest reply.
        position = {pk: n for n, (pk, _title, _start) in enumerate(rows)}
        groups.sort(key=lambda ids: (-len(ids), position[ids[0]]))
        cache.set(key, groups, CACHE_SECONDS)
    return groups


def clusters(ids_groups: Sequence[Sequence[int]]) -> list[Cluster]:
    """Load the messages of some groups (a page of ``candidate_groups``)."""
    wanted = [pk for ids in ids_groups for pk in ids]
    found = Message.objects.select_related("reply_department").in_bulk(wanted)
    return [Cluster([found[pk] for pk in ids if pk in found]) for ids in ids_groups]


def candidates(site, threshold: float = THRESHOLD) -> list[Cluster]:
    """Every candidate group of ``site`` with its messages."""
    return clusters(candidate_groups(site, threshold))
