"""What every registry admin view shares: who may enter, how refusals and domain errors are shown.

Views never change rows themselves: they build an action with the request's actor and turn the
action's ``NotAllowed`` / ``ValidationError`` / ``ConflictError`` into a 403 page, form errors or
admin messages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column

from govsites.accounts.models import Role
from govsites.audit.context import Actor

from .. import permissions
from ..errors import ConflictError, messages_of
from ..models import Site

DENIED = _("您没有访问此页面的权限。")
HOME_CRUMB = {"url": reverse_lazy("wagtailadmin_home"), "label": _("仪表板")}


def has_registry_access(user) -> bool:
    """Anyone holding a registry role (or the system administrator) works in these views."""
    return bool(getattr(user, "is_superuser", False)) or bool(permissions.assignments(user))


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(
        a.role == Role.SUPERVISOR for a in permissions.assignments(user)
    )


def is_approver(user) -> bool:
    return any(a.role in (Role.SUPERVISOR, Role.INSTITUTION_HEAD) for a in permissions.assignments(user))


def may_file_anything(user) -> bool:
    """Every registry role files for some institution; the system administrator files for none."""
    return bool(permissions.assignments(user))


def visible_site(user, pk) -> Site:
    site = get_object_or_404(Site.objects.select_related("institution", "migrated_to"), pk=pk)
    if not permissions.visible_sites(user).filter(pk=site.pk).exists():
        raise PermissionDenied(_("您无权查看该网站。"))
    return site


def denied_response(request, denied: PermissionDenied) -> TemplateResponse:
    message = getattr(denied, "message", None) or (denied.args[0] if denied.args else DENIED)
    return TemplateResponse(
        request,
        "registry/denied.html",
        {"message": message, "header_title": _("无权访问"), "page_title": _("无权访问")},
        status=403,
    )


def error_texts(error: Exception) -> list[str]:
    """Every Chinese message of a domain error, rule IDs included."""
    if isinstance(error, ConflictError):
        return [error.message]
    return [text for texts in messages_of(error).values() for text in texts]


def add_form_errors(form, error: Exception, other_field: str | None = None) -> None:
    """Show a refused action on its form: field messages next to their field, the rest on
    ``other_field`` (on top of the form by default)."""
    if isinstance(error, ConflictError):
        form.add_error(None, error.message)
        return
    for field, texts in messages_of(error).items():
        target = field if field in form.fields else other_field
        for text in texts:
            form.add_error(target, text)


def report_errors(request, error: Exception) -> None:
    for text in error_texts(error):
        messages.error(request, text)


#: What a refused action may raise besides NotAllowed (which becomes the 403 page).
ACTION_ERRORS = (ValidationError, ConflictError)


class RegistryViewMixin:
    """Entry check for every registry view; a refusal renders the Chinese 403 page."""

    breadcrumbs_items = [HOME_CRUMB]
    parent_crumbs: tuple = ()  # the pages between the dashboard and this one

    def get_parent_crumbs(self) -> list[dict]:
        return list(self.parent_crumbs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.get_parent_crumbs(), {"url": "", "label": self.get_header_title()}]

    def has_access(self, user) -> bool:
        return has_registry_access(user)

    def dispatch(self, request, *args, **kwargs):
        try:
            if not self.has_access(request.user):
                raise PermissionDenied(DENIED)
            self.prepare()
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as denied:  # NotAllowed from an action included
            return denied_response(request, denied)

    def prepare(self) -> None:
        """Load and check the objects the view is about (may raise PermissionDenied / Http404)."""

    @property
    def actor(self) -> Actor:
        return Actor.from_request(self.request)


class SupervisorViewMixin(RegistryViewMixin):
    """Estate-wide overviews: for supervisors and the system administrator."""

    def has_access(self, user) -> bool:
        return is_supervisor(user)


class ListingViewMixin(RegistryViewMixin):
    """Registry listings use their own visibility rules, not Django model permissions."""

    permission_policy = None
    any_permission_required = None
    paginate_by = 50

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.is_export = False  # no spreadsheet export from these listings (yet)


class StatusColumn(Column):
    """A coloured status tag; the colour follows the status code (see registry.css)."""

    cell_template_name = "registry/includes/status_cell.html"

    def __init__(self, name, *, code, label, link=None, **kwargs):
        super().__init__(name, label=label, **kwargs)
        self.code, self.link = code, link

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["code"] = self.code(instance)
        context["url"] = self.link(instance) if self.link else ""
        return context
