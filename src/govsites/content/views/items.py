"""One library item in the admin: new, edit, the detail page with its review and life-cycle
operations, and reposting it into one's own site.

Each POST runs exactly one content action; refusals come back as the action's Chinese messages
(field errors next to their field), and nothing is written when an action refuses.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import TaskState, WorkflowState

from govsites.registry.models import Site
from govsites.registry.views.base import ACTION_ERRORS, add_form_errors, report_errors

from .. import actions, forms, listing, prepublish
from ..actions.items import editable_data
from ..models import ColumnPage, InterpretationLink, Item, ItemKind, Placement, RepostDuty, SiteHomePage
from ..permissions import library_permission_policy, sites_for
from .base import ContentViewMixin, visible_item_or_404
from .chooser import policy_chooser_widget
from .library import column_site


def policy_widget():
    return policy_chooser_widget()


def policy_choices(user):
    return listing.visible_items(user).filter(kind=ItemKind.POLICY)


class NewItemView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """新建信息: pick a column of a site the user edits (then the kind, on the column's page)."""

    template_name = "content/new.html"
    page_title = _("新建信息")
    header_icon = "plus"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site_ids = sites_for(self.request.user, "add")
        homes = SiteHomePage.objects.filter(registry_site_id__in=site_ids).select_related("registry_site")
        context["sites"] = [
            (home.registry_site, ColumnPage.objects.descendant_of(home).order_by("path")) for home in homes
        ]
        context["kinds"] = ItemKind.choices
        return context


class ItemFormView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content/item_form.html"
    header_icon = "doc-full"

    def form(self, data=None, initial=None):
        form = forms.ItemForm(data, initial=initial, kind=self.kind, policy_widget=policy_widget())
        form.set_policy_queryset(policy_choices(self.request.user))
        return form

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form(initial=self.initial())))

    def initial(self) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                item = self.run(form)
            except ACTION_ERRORS as error:
                add_form_errors(form, error)
            else:
                messages.success(request, self.success_message(item))
                return redirect("content:item", item.pk)
        messages.error(request, _("保存失败，请按提示修改后重新保存。"))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["media"] = context["form"].media
        return context


class CreateItemView(ItemFormView):
    def prepare(self):
        self.column = get_object_or_404(ColumnPage, pk=self.kwargs["column"])
        self.kind = self.kwargs["kind"]
        if self.kind not in ItemKind.values:
            raise Http404(_("没有这种信息类型。"))
        self.site = column_site(self.column)
        if self.site is None or self.site.pk not in sites_for(self.request.user, "add"):
            raise PermissionDenied(_("您不是该网站的编辑，不能在此栏目新建信息。"))

    def get_page_title(self):
        return f"新建{ItemKind(self.kind).label} · {self.site.name} · {self.column.title}"

    def run(self, form) -> Item:
        data = {**form.data_for_action(), "kind": self.kind}
        return actions.CreateItem(self.actor, self.site, self.column, data).execute()

    def success_message(self, item):
        return _("已保存草稿“%(title)s”。") % {"title": item.title}


class EditItemView(ItemFormView):
    def prepare(self):
        self.item = visible_item_or_404(self.request.user, self.kwargs["pk"])
        self.kind = self.item.kind
        self.draft = self.item.get_latest_revision_as_object()

    def get_page_title(self):
        return f"修改 · {self.draft.title}"

    def initial(self):
        return editable_data(self.draft)

    def run(self, form) -> Item:
        existing = list(InterpretationLink.objects.filter(interpretation=self.item).values_list("policy_id", flat=True))
        data = form.data_for_action(existing_policies=existing)
        expected = self.request.POST.get("revision")
        expected = int(expected) if expected and expected.isdigit() else None
        return actions.EditItem(self.actor, self.item, data, expected).execute()

    def success_message(self, item):
        return _("已保存“%(title)s”的新版本。") % {"title": item.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revision_id"] = self.request.POST.get("revision") or self.item.latest_revision_id
        context["item"] = self.item
        return context


class ItemDetailView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content/item_detail.html"
    header_icon = "doc-full-inverse"

    def prepare(self):
        self.item = visible_item_or_404(self.request.user, self.kwargs["pk"])

    def get_page_title(self):
        return self.item.title

    def may(self, action):
        return library_permission_policy.user_has_permission_for_instance(self.request.user, action, self.item)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.item, self.request.user
        draft = item.get_latest_revision_as_object() if item.latest_revision_id else item
        state = item.current_workflow_state
        task_state = state.current_task_state if state and state.status == WorkflowState.STATUS_IN_PROGRESS else None
        decisions = []
        if task_state is not None:
            decisions = task_state.task.specific.get_actions(item, user)
        may_edit = self.may("change")
        context.update({
            "item": item,
            "draft": draft,
            "has_unpublished_changes": item.has_unpublished_changes,
            "placements": Placement.objects.filter(item=item).select_related("site", "column", "item__owning_site"),
            "policies": Item.objects.filter(interpretation_links__interpretation=item),
            "interpretations": Item.objects.filter(policy_links__policy=item),
            "workflow_state": state,
            "task_state": task_state,
            "may_decide": bool(decisions),
            "history": TaskState.objects.filter(workflow_state__in=item._workflow_states.all())
            .select_related("task", "finished_by").order_by("-started_at")[:20] if item.pk else [],
            "revisions": item.revisions.select_related("user").order_by("-created_at", "-pk")[:20],
            "problems": prepublish.report(item) if (may_edit or decisions) and item.latest_revision_id else [],
            "may_edit": may_edit and item.archived_on is None,
            "may_publish": self.may("publish") and item.archived_on is None,
            "may_admin": self.may("delete"),  # site administrators: unpublish, archive
            "may_lock": self.may("lock"),
            "scheduled": item.revisions.exclude(approved_go_live_at=None).values_list(
                "approved_go_live_at", flat=True).first(),
            "repost_sites": Site.objects.filter(pk__in=sites_for(user, "add")).exclude(pk=item.owning_site_id)
            if item.live else [],
            "comment_form": forms.CommentForm(),
            "reason_form": forms.ReasonForm(),
            "policy_widget": policy_widget() if item.kind == ItemKind.INTERPRETATION and may_edit else None,
        })
        if context["policy_widget"] is not None:
            context["policy_field"] = context["policy_widget"].render("policy", None, attrs={"id": "id_policy"})
            context["media"] = context["policy_widget"].media
        return context


def _expected_revision(request) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


def _task_state_id(request) -> int | None:
    value = request.POST.get("task_state", "")
    return int(value) if value.isdigit() else None


def _comment(request) -> str:
    return (request.POST.get("comment") or "")[:2000]


def _link_policy(actor, item, request):
    value = request.POST.get("policy", "")
    if not value.isdigit():
        raise actions.ConflictError("请选择要关联的政策文件。")
    existing = list(InterpretationLink.objects.filter(interpretation=item).values_list("policy_id", flat=True))
    return actions.EditItem(actor, item, {"policies": [*existing, int(value)]}, item.latest_revision_id)


def _unlink_policy(actor, item, request):
    value = request.POST.get("policy", "")
    existing = list(InterpretationLink.objects.filter(interpretation=item).values_list("policy_id", flat=True))
    kept = [pk for pk in existing if str(pk) != value]
    return actions.EditItem(actor, item, {"policies": kept}, item.latest_revision_id)


#: POST /items/<pk>/do/<operation>/ → the one action it runs, and what the user is told after.
OPERATIONS = {
    "submit": (lambda actor, item, request: actions.SubmitItem(actor, item), _("已提交审核。")),
    "approve": (lambda actor, item, request: actions.DecideReview(
        actor, item, True, _comment(request), task_state_id=_task_state_id(request)), _("已审核通过。")),
    "reject": (lambda actor, item, request: actions.DecideReview(
        actor, item, False, _comment(request), task_state_id=_task_state_id(request)), _("已退回修改。")),
    "publish": (lambda actor, item, request: actions.PublishItem(actor, item), _("已发布。")),
    "unschedule": (lambda actor, item, request: actions.CancelScheduledPublish(actor, item), _("已取消定时发布。")),
    "unpublish": (lambda actor, item, request: actions.UnpublishItem(actor, item, request.POST.get("reason", "")),
                  _("已撤下。")),
    "archive": (lambda actor, item, request: actions.ArchiveItem(actor, item), _("已归档。")),
    "lock": (lambda actor, item, request: actions.LockItem(actor, item), _("已锁定，其他人暂不能修改。")),
    "unlock": (lambda actor, item, request: actions.UnlockItem(actor, item), _("已解除锁定。")),
    "revert": (lambda actor, item, request: actions.RevertItem(
        actor, item, int(request.POST.get("to") or 0), _expected_revision(request)), _("已恢复为所选版本（保存为新版本）。")),
    "link-policy": (_link_policy, _("已关联政策文件。")),
    "unlink-policy": (_unlink_policy, _("已取消关联。")),
}


class ItemOperationView(ContentViewMixin, View):
    http_method_names = ["post"]

    def prepare(self):
        self.item = visible_item_or_404(self.request.user, self.kwargs["pk"])
        if self.kwargs["operation"] not in OPERATIONS:
            raise Http404(_("没有这个操作。"))

    def post(self, request, pk, operation):
        build, done = OPERATIONS[operation]
        try:
            build(self.actor, self.item, request).execute()
        except ACTION_ERRORS as error:
            report_errors(request, error)
        except ValueError:
            messages.error(request, _("提交的内容有误。"))
        else:
            messages.success(request, done)
        return redirect("content:item", self.item.pk)


class RepostView(ContentViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """转载 (CON-03/04) or use (CON-01) another site's published item in a column of mine."""

    template_name = "content/repost.html"
    header_icon = "redirect"

    def prepare(self):
        self.item = visible_item_or_404(self.request.user, self.kwargs["pk"])
        site_ids = sites_for(self.request.user, "add") - {self.item.owning_site_id}
        wanted = self.request.GET.get("site") or self.request.POST.get("site")
        if wanted and wanted.isdigit():
            site_ids &= {int(wanted)}
        if not site_ids:
            raise PermissionDenied(_("您不是其他网站的编辑，不能转载该信息。"))
        self.sites = Site.objects.filter(pk__in=site_ids).order_by("name")

    def get_page_title(self):
        return f"转载 · {self.item.title}"

    def form(self, data=None):
        """The columns of the user's sites, labelled with their site's name."""
        homes = list(SiteHomePage.objects.filter(registry_site__in=self.sites).select_related("registry_site"))
        under = Q(pk__in=[])
        for home in homes:
            under |= Q(path__startswith=home.path, depth__gt=home.depth)
        form = forms.RepostForm(data, columns=ColumnPage.objects.filter(under).order_by("path"))
        names = {home.path: home.registry_site.name for home in homes}
        width = len(homes[0].path) if homes else 0
        form.fields["column"].label_from_instance = lambda c: f"{names.get(c.path[:width], '')} · {c.title}"
        return form

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            column = form.cleaned_data["column"]
            site = column_site(column)
            duty = RepostDuty.objects.filter(item=self.item, site=site).first()
            try:
                actions.RepostItem(self.actor, duty or self.item, site, column).execute()
            except ACTION_ERRORS as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("已转载到“%(site)s · %(column)s”，并注明来源。") % {
                    "site": site.name, "column": column.title})
                return redirect(reverse("content:column", args=[column.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.item
        return context
