"""知识库 (INT-04): candidates grouped as near-duplicates, entries written from them, published."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .. import knowledge
from ..actions import CreateEntry, EditEntry, PublishEntry, UnpublishEntry
from ..models import KnowledgeEntry, Message
from .base import ActionFormView, PageView, StepView, paginate, sites_for, visible
from .forms import EntryForm, ReasonForm

HOME = {"url": reverse_lazy("interaction_extra:entries"), "label": _("知识库")}
THRESHOLDS = (("0.3", _("宽松（0.3）")), ("0.4", _("适中（0.4）")), ("0.5", _("较严（0.5）")), ("0.7", _("严格（0.7）")))
CLUSTERS_PER_PAGE = 20


def visible_entries(user):
    return visible(KnowledgeEntry.objects.select_related("site", "department"), user, departments=True)


class EntryListView(PageView):
    template_name = "interaction/admin_extra/entries.html"
    page_title = _("知识库")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = (visible_entries(self.request.user).annotate(sources=Count("source_messages"))
                   .order_by("-updated_at", "-pk"))
        shown = self.request.GET.get("shown") or ""
        if shown == "published":
            entries = entries.filter(published_at__isnull=False)
        elif shown == "draft":
            entries = entries.filter(published_at__isnull=True)
        page = paginate(self.request, entries)
        context.update(page=page, shown=shown, page_query=f"shown={shown}&" if shown else "",
                       sites=sites_for(self.request.user, departments=True),
                       candidate_sites=sites_for(self.request.user, departments=False))
        return context


class CandidatesView(PageView):
    """The site's answered, published questions not in an entry yet, in near-duplicate groups."""

    template_name = "interaction/admin_extra/candidates.html"
    page_title = _("知识库候选问题")
    crumbs = (HOME,)

    def prepare(self):
        self.site = self.chosen_site(sites_for(self.request.user, departments=False))
        raw = self.request.GET.get("threshold") or ""
        self.threshold = raw if raw in dict(THRESHOLDS) else str(knowledge.THRESHOLD)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = knowledge.candidate_groups(self.site, float(self.threshold))
        page = Paginator(groups, CLUSTERS_PER_PAGE).get_page(self.request.GET.get("page"))
        clusters = knowledge.clusters(list(page))
        context.update(
            site=self.site, page=page, threshold=self.threshold, thresholds=THRESHOLDS,
            page_query=urlencode({"site": self.site.pk, "threshold": self.threshold}) + "&",
            clusters=[{"cluster": c, "create_url": create_url(self.site, c.ids)} for c in clusters],
            repeated=sum(1 for g in groups if len(g) > 1), total=sum(len(g) for g in groups),
        )
        return context


def create_url(site, ids) -> str:
    query = urlencode({"site": site.pk, "messages": ",".join(str(pk) for pk in ids)})
    return f"{reverse('interaction_extra:entry_new')}?{query}"


class EntryCreateView(ActionFormView):
    """A new entry; from a group of candidates, prefilled from its best (most recent) reply."""

    form_class = EntryForm
    page_title = _("新建知识库条目")
    crumbs = (HOME,)
    submit_label = _("保存条目")
    success_message = _("条目已保存，核对无误后请发布。")
    template_name = "interaction/admin_extra/entry.html"

    def prepare(self):
        self.site = self.chosen_site(sites_for(self.request.user, departments=True))
        raw = (self.request.GET.get("messages") or "").split(",")
        ids = [int(p) for p in raw if p.strip().isascii() and p.strip().isdigit()][:500]
        found = set(Message.objects.published().filter(site=self.site, pk__in=ids).values_list("pk", flat=True))
        self.cluster = knowledge.clusters([[pk for pk in ids if pk in found]])[0] if found else None

    def form_kwargs(self):
        return {"site": self.site, "initial": self.initial()}

    def initial(self):
        if not self.cluster or not self.cluster.messages:
            return {}
        best = self.cluster.best
        return {"question": best.title, "answer": best.reply_body, "department": best.reply_department_id,
                "source_messages": ",".join(str(pk) for pk in self.cluster.ids)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(subtitle=self.site.name,
                       sources=self.cluster.messages if self.cluster else [],
                       best=self.cluster.best if self.cluster and self.cluster.messages else None)
        return context

    def run(self, data):
        return CreateEntry(self.actor, self.site, **data).execute()

    def success_url(self, entry):
        return reverse("interaction_extra:entry", args=[entry.pk])


class EntryMixin:
    def prepare(self):
        self.entry = visible_entries(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if self.entry is None:
            raise Http404(_("未找到该条目。"))

    def detail_url(self, *_args) -> str:
        return reverse("interaction_extra:entry", args=[self.entry.pk])


class EntryView(EntryMixin, ActionFormView):
    """The entry's form, its source messages, and publish / take down."""

    form_class = EntryForm
    template_name = "interaction/admin_extra/entry.html"
    crumbs = (HOME,)
    success_message = _("条目已保存。")

    def get_page_title(self):
        return self.entry.question

    def form_kwargs(self):
        return {"site": self.entry.site, "initial": self.initial()}

    def initial(self):
        e = self.entry
        return {"question": e.question, "answer": e.answer, "department": e.department_id,
                "keywords": e.keywords,
                "source_messages": ",".join(str(pk) for pk in e.source_messages.values_list("pk", flat=True))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entry=self.entry, subtitle=self.entry.site.name,
                       sources=self.entry.source_messages.select_related("reply_department").order_by("-replied_at"),
                       reason_form=kwargs.get("reason_form") or ReasonForm())
        return context

    def run(self, data):
        return EditEntry(self.actor, self.entry, **data).execute()

    success_url = EntryMixin.detail_url


class EntryPublishView(EntryMixin, StepView):
    success_message = _("条目已发布，网站页面将随之更新。")

    def run(self):
        PublishEntry(self.actor, self.entry).execute()

    back = EntryMixin.detail_url


class EntryUnpublishView(EntryMixin, StepView):
    success_message = _("条目已从网站撤下。")

    def run(self):
        UnpublishEntry(self.actor, self.entry, self.request.POST.get("reason", "")).execute()

    back = EntryMixin.detail_url
