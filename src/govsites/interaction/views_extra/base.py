"""What the column pages share: who gets in, which sites and objects each user sees, and the
form-page pattern (GET shows the form, POST calls the action; a refusal shows the form again
with the Chinese reasons and nothing changed).

- the **column staff** of a site (its triage handlers, and those of the platform that runs a
  department site's columns) see and run everything of that site;
- a **department's handlers** see and run the surveys and knowledge entries of their department;
- a site's **managers** (site administrators, the institution's site manager) edit its columns.

An object the user may not see answers 404, as the message pages do.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites.actions import NotAllowed
from govsites.registry.models import Institution, Site
from govsites.registry.views.base import ACTION_ERRORS, RegistryViewMixin, add_form_errors, report_errors

from .. import permissions
from ..models import Channel

NO_STORE = "no-store, private, max-age=0"
PER_PAGE = 50


def works_on_columns(user) -> bool:
    return bool(permissions.column_sites(user) or permissions.departments(user) or permissions.managed_sites(user))


def runs_columns(user) -> bool:
    """Surveys, interviews and the knowledge base: column staff and department handlers."""
    return bool(permissions.column_sites(user) or permissions.departments(user))


def department_sites(user) -> set[int]:
    """Sites a department handler may run their department's surveys and entries on: the
    department's own site and its government's portal (those with columns)."""
    own = permissions.departments(user)
    if not own:
        return set()
    institutions = set(own)
    for institution in Institution.objects.filter(pk__in=own):
        government = institution.government
        if government is not None:
            institutions.add(government.pk)
    with_columns = Channel.objects.filter(site__institution_id__in=institutions).values_list("site_id", flat=True)
    return set(with_columns)


def sites_for(user, *, departments: bool):
    ids = permissions.column_sites(user) | (department_sites(user) if departments else set())
    return Site.objects.filter(pk__in=ids).select_related("institution").order_by("institution__path", "pk")


def visible(queryset, user, *, departments: bool):
    """Rows of the user's column sites (and, with ``departments``, of their departments)."""
    condition = Q(site_id__in=permissions.column_sites(user))
    if departments:
        condition |= Q(department_id__in=permissions.departments(user))
    return queryset.filter(condition)


def paginate(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


class ColumnViewMixin(RegistryViewMixin):
    """Entry check of every column page; no page of them is cached."""

    header_icon = "mail"
    crumbs: tuple = ()

    def has_access(self, user) -> bool:
        return runs_columns(user)

    def get_parent_crumbs(self) -> list[dict]:
        return list(self.crumbs)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    def chosen_site(self, sites) -> Site:
        """The site named by ``?site=`` (or the only one there is) among ``sites``."""
        raw = self.request.GET.get("site") or ""
        if not raw and sites.count() == 1:
            return sites.get()
        if not raw.isdigit():
            raise Http404(_("请选择网站。"))
        site = sites.filter(pk=int(raw)).first()
        if site is None:
            raise Http404(_("未找到该网站。"))
        return site


class PageView(ColumnViewMixin, WagtailAdminTemplateMixin, TemplateView):
    pass


class ActionFormView(PageView):
    """GET: the form; POST: the action, then back to ``success_url`` with a message."""

    template_name = "interaction/admin_extra/form.html"
    form_class = None
    submit_label = _("保存")
    success_message = _("已保存。")
    intro = ""

    def get_form(self, data=None):
        return self.form_class(data, **self.form_kwargs())

    def form_kwargs(self) -> dict:
        return {"initial": self.initial()}

    def initial(self) -> dict:
        return {}

    def run(self, data):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(submit_label=self.submit_label, intro=self.intro, action_url=self.request.get_full_path())
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        status = 400
        if form.is_valid():
            try:
                result = self.run(form.cleaned_data)
            except ACTION_ERRORS as error:
                add_form_errors(form, error)
            except NotAllowed as denied:  # e.g. a department the user does not work for
                form.add_error(None, denied.message)
                status = 403
            else:
                messages.success(request, self.success_message)
                return redirect(self.success_url(result))
        return self.render_to_response(self.get_context_data(form=form), status=status)


class StepView(ColumnViewMixin, TemplateView):
    """A button on a detail page: POST only, calls the action, goes back with a message (the
    refusal's reasons as error messages)."""

    http_method_names = ["post"]
    success_message = _("已完成。")

    def run(self):
        raise NotImplementedError

    def back(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.run()
        except ACTION_ERRORS as error:
            report_errors(request, error)
        else:
            messages.success(request, self.success_message)
        return redirect(self.back())


def require(condition: bool) -> None:
    """A permission check of a page that shows a form the user could not submit."""
    if not condition:
        raise PermissionDenied(_("您没有执行此操作的权限。"))
