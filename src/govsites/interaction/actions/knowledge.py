"""The knowledge base (INT-04): entries written from answered questions, published for the public.

An entry starts from a group of near-duplicate messages (``interaction.knowledge.candidates``):
the staff write the question once, in general terms, and the answer from the best reply. Its
source messages must be published results of the same site — an entry never rests on a
message the public cannot see (a withheld one, or one kept private at the citizen's request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from govsites import clock
from govsites.actions import NotAllowed
from govsites.audit.log import diff, snapshot
from govsites.registry.models import Institution, Site

from .. import permissions
from ..models import KnowledgeEntry, Message
from .base import InteractionError, required_text
from .columns import Checks, ColumnAction

KEYWORD_SEPARATOR = "、"
MAX_KEYWORDS = 10
FIELDS = ("question", "answer", "department", "keywords")
_SPLIT = re.compile(r"[,，、;；\s]+")


def split_keywords(text: str) -> list[str]:
    """Keywords as typed (commas, 、, semicolons or spaces between them), each once."""
    seen: list[str] = []
    for word in _SPLIT.split(text or ""):
        if word and word not in seen:
            seen.append(word)
    return seen


class EntryFields:
    """The checks ``CreateEntry`` and ``EditEntry`` share."""

    def check(self, site: Site, values: dict) -> tuple[dict, list[Message]]:
        checks = Checks()
        keywords = split_keywords(" ".join(str(values.get("keywords") or "").split()))
        fields = {
            "question": checks.text("question", values.get("question"), "问题", minimum=5, limit=200, line=True),
            "answer": checks.text("answer", values.get("answer"), "解答", minimum=5, limit=10000),
            "department": values.get("department"),
            "keywords": KEYWORD_SEPARATOR.join(keywords),
        }
        if len(keywords) > MAX_KEYWORDS or any(len(k) > 20 for k in keywords) or len(fields["keywords"]) > 200:
            checks.add("keywords", f"关键词最多{MAX_KEYWORDS}个，每个不超过20个字。")
        checks.department(site, fields["department"])
        sources = self.sources(site, values.get("source_messages") or (), checks)
        checks.done()
        return fields, sources

    def sources(self, site: Site, given: Iterable, checks: Checks) -> list[Message]:
        ids = sorted({getattr(m, "pk", m) for m in given})
        if not all(isinstance(pk, int) for pk in ids):
            checks.add("source_messages", "来源留言无效。")
            return []
        found = list(Message.objects.published().filter(site=site, pk__in=ids))
        if len(found) != len(ids):
            checks.add("source_messages", "来源留言须是本网站已答复并公开的留言。")
        return found


class CreateEntry(EntryFields, ColumnAction):
    """A new, unpublished entry (``PublishEntry`` puts it on the site)."""

    def __init__(self, actor, site: Site, *, question: str, answer: str, department: Institution | None = None,
                 keywords: str = "", source_messages: Iterable = ()):
        super().__init__(actor, site, department.pk if department else None)
        self.values = {"question": question, "answer": answer, "department": department, "keywords": keywords,
                       "source_messages": source_messages}

    def perform(self) -> KnowledgeEntry:
        fields, sources = self.check(self.site, self.values)
        entry = KnowledgeEntry.objects.create(site=self.site, created_by=self.user, updated_at=clock.now(), **fields)
        entry.source_messages.set(sources)
        self.record(entry, "knowledge.create", data={"question": entry.question,
                                                     "sources": [m.case_number for m in sources]})
        return entry


class EntryAction(ColumnAction):
    def __init__(self, actor, entry: KnowledgeEntry):
        super().__init__(actor, entry.site, entry.department_id)
        self.entry = entry

    def touched(self, what: str, **kwargs) -> None:
        self.entry.updated_at = clock.now()
        self.entry.save()
        self.record(self.entry, f"knowledge.{what}", **kwargs)


class EditEntry(EntryFields, EntryAction):
    def __init__(self, actor, entry: KnowledgeEntry, *, question: str, answer: str,
                 department: Institution | None = None, keywords: str = "", source_messages: Iterable = ()):
        super().__init__(actor, entry)
        self.values = {"question": question, "answer": answer, "department": department, "keywords": keywords,
                       "source_messages": source_messages}

    def perform(self) -> KnowledgeEntry:
        entry = self.entry
        fields, sources = self.check(self.site, self.values)
        department = fields["department"]
        if (department.pk if department else None) != entry.department_id and not permissions.may_run_column(
                self.user, self.site, department.pk if department else None):
            raise NotAllowed("只能将知识库条目归入本人所在部门或由本网站负责。")
        before = snapshot(entry, FIELDS)
        for name, value in fields.items():
            setattr(entry, name, value)
        changes = diff(before, snapshot(entry, FIELDS))
        old_sources = set(entry.source_messages.values_list("pk", flat=True))
        new_sources = {m.pk for m in sources}
        if not changes and old_sources == new_sources:
            raise InteractionError("条目内容没有变化。")
        entry.source_messages.set(sources)
        self.touched("edit", changes=changes, data={"sources": sorted(new_sources)})
        if entry.published_at is not None:
            self.shown(KnowledgeEntry)
        return entry


class PublishEntry(EntryAction):
    def perform(self) -> KnowledgeEntry:
        if self.entry.published_at is not None:
            raise InteractionError("该条目已经发布。")
        self.entry.published_at = clock.now()
        self.touched("publish")
        self.shown(KnowledgeEntry)
        return self.entry


class UnpublishEntry(EntryAction):
    """Take an entry off the site (say, the policy it explains has changed), with the reason."""

    def __init__(self, actor, entry: KnowledgeEntry, reason: str):
        super().__init__(actor, entry)
        self.reason = reason

    def perform(self) -> KnowledgeEntry:
        if self.entry.published_at is None:
            raise InteractionError("该条目尚未发布。")
        reason = required_text(self.reason, "撤下理由")
        self.entry.published_at = None
        self.touched("unpublish", reason=reason)
        self.shown(KnowledgeEntry)
        return self.entry
