"""网站发布: each hosted site's releases, queue and integrity incidents, a full rebuild, and a
preview of any output rendered through Django (also the benchmark's request-per-URL baseline).

Who sees a site here: whoever may publish it (:func:`~.actions.may_publish_site`: its site
administrators, whom the registry trusts with it, its supervising offices) and the estate readers,
who only read. Editors do not: they follow their items in 信息发布. Any other site is a 404, the
same answer as an id that never existed; the rebuild itself is checked by :class:`RebuildSite`.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.accounts.models import Role
from govsites.content.models import SiteRole
from govsites.content.permissions import memberships
from govsites.registry import permissions as registry_permissions
from govsites.registry.models import Site
from govsites.registry.views.base import ACTION_ERRORS, RegistryViewMixin, add_form_errors, report_errors

from . import store
from .actions import RebuildSite, may_publish_site
from .frontserver import content_type
from .loading import SiteData
from .models import (
    IncidentStatus,
    IntegrityIncident,
    ManifestEntry,
    PublishRequest,
    ReleaseStatus,
    SiteRelease,
)
from .paths import HOME, site_key
from .planning import Planner

HOME_CRUMB = {"url": reverse_lazy("publishing:sites"), "label": _("网站发布")}
SITES_PER_PAGE = 50
RELEASES_PER_PAGE = 20
INCIDENTS_SHOWN = 50
RECENT_DAYS = 30

#: status → colour of the registry's status tags (registry.css)
RELEASE_CODES = {ReleaseStatus.LIVE: "online", ReleaseStatus.PENDING: "step-pending", ReleaseStatus.FAILED: "refused"}
INCIDENT_CODES = {IncidentStatus.RESTORED: "approved", IncidentStatus.RESTORE_FAILED: "refused"}

#: the queue's reason codes (receivers, actions) as the admin reads them
REASONS = {
    "publish": "信息发布", "unpublish": "信息撤回", "archive": "信息归档", "place": "信息上栏",
    "repost": "信息转载", "unplace": "移出栏目", "link": "政策解读关联", "columns": "栏目调整",
    "identity": "网站信息变更", "status": "网站状态变更", "rebuild": "全量重建",
}


# -- who sees what ------------------------------------------------------------------------------


def may_view_site(user, site: Site) -> bool:
    """The site's publishing page: whoever may publish it, and the estate readers."""
    return may_publish_site(user, site) or registry_permissions.reads_everything(user)


def publishing_sites(user):
    """Hosted sites (those with a content tree) ``user`` may see here: the queryset counterpart
    of :func:`may_view_site`, so the list never shows a site whose page would be a 404."""
    sites = Site.objects.filter(home_page__isnull=False)
    if registry_permissions.reads_everything(user):
        return sites
    condition = Q(pk__in=[pk for pk, roles in memberships(user).items() if SiteRole.SITE_ADMIN in roles])
    for assignment in registry_permissions.assignments(user):
        if assignment.role == Role.SUPERVISOR:
            condition |= Q(institution__path__startswith=assignment.institution.path)
        elif assignment.role in (Role.SITE_MANAGER, Role.INSTITUTION_HEAD):
            condition |= Q(institution_id=assignment.institution_id)
    return sites.filter(condition)


def sees_publishing(user) -> bool:
    """The menu and the entry check: the user has at least one site to see here (cached on the
    user object for the request, as the menu asks on every admin page)."""
    cached = getattr(user, "_govsites_sees_publishing", None)
    if cached is None:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        cached = registry_permissions.reads_everything(user) or publishing_sites(user).exists()
        user._govsites_sees_publishing = cached
    return cached


def site_or_404(user, pk) -> Site:
    site = Site.objects.select_related("institution").filter(pk=pk, home_page__isnull=False).first()
    if site is None or not may_view_site(user, site):
        raise Http404(_("未找到该网站，或您无权查看其发布情况。"))
    return site


def front_url(site: Site) -> str:
    """The site on the built-in front server, when the deployment names one (embedded demo)."""
    base = getattr(settings, "GOVSITES_FRONT_PREVIEW_URL", "")
    return f"{base.rstrip('/')}/{site_key(site)}/" if base else ""


def reason_label(reason: str) -> str:
    return "、".join(REASONS.get(code, code) for code in reason.split(",") if code) or "—"


# -- admin pages --------------------------------------------------------------------------------


class PublishingViewMixin(RegistryViewMixin):
    parent_crumbs = (HOME_CRUMB,)

    def has_access(self, user) -> bool:
        return sees_publishing(user)


class SiteListView(PublishingViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every visible site with its last live release and what needs attention."""

    template_name = "publishing/admin/sites.html"
    page_title = _("网站发布")
    header_icon = "globe"
    parent_crumbs = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = (self.request.GET.get("q") or "").strip()[:50]
        sites = publishing_sites(self.request.user).select_related("institution").order_by("institution__path", "pk")
        if q:
            sites = sites.filter(Q(name__icontains=q) | Q(domain__icontains=q))
        page = Paginator(sites, SITES_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(q=q, page=page, rows=site_rows(list(page.object_list)), days=RECENT_DAYS,
                       page_query=f"{urlencode({'q': q})}&" if q else "")
        return context


def site_rows(sites: list[Site]) -> list[dict]:
    """One row per site; four grouped queries for the whole page, whatever its length."""
    ids = [site.pk for site in sites]
    since = clock.now() - dt.timedelta(days=RECENT_DAYS)
    newest_live = (
        SiteRelease.objects.filter(site_id=OuterRef("site_id"), status=ReleaseStatus.LIVE)
        .order_by("-number").values("pk")[:1]
    )
    live = {
        release.site_id: release for release in
        SiteRelease.objects.filter(site_id__in=ids, pk=Subquery(newest_live)).defer("changes", "error")
    }
    pending = dict(
        PublishRequest.objects.filter(site_id__in=ids).order_by().values_list("site_id").annotate(n=Count("id"))
    )
    failed = dict(
        SiteRelease.objects.filter(site_id__in=ids, status=ReleaseStatus.FAILED, created_at__gte=since)
        .order_by().values_list("site_id").annotate(n=Count("id"))
    )
    incidents: dict[int, dict] = {}
    for site_id, status, n in (
        IntegrityIncident.objects.filter(site_id__in=ids, detected_at__gte=since)
        .order_by().values_list("site_id", "status").annotate(n=Count("id"))
    ):
        counts = incidents.setdefault(site_id, {"all": 0, "unrestored": 0})
        counts["all"] += n
        if status == IncidentStatus.RESTORE_FAILED:
            counts["unrestored"] += n
    return [
        {
            "site": site, "key": site_key(site), "live": live.get(site.pk), "pending": pending.get(site.pk, 0),
            "failed": failed.get(site.pk, 0), "incidents": incidents.get(site.pk, {"all": 0, "unrestored": 0}),
            "front_url": front_url(site),
        }
        for site in sites
    ]


class RebuildForm(forms.Form):
    reason = forms.CharField(
        label=_("重建原因"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("记入审计日志，例如“模板更新”“前端主机重装”。"),
        error_messages={"max_length": _("重建原因不能超过500个字（现有%(show_value)d个）。")},
    )


class SiteDetailView(PublishingViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """One site: its queue, its releases (newest first), its integrity incidents, a rebuild."""

    template_name = "publishing/admin/site.html"
    header_icon = "globe"

    def prepare(self):
        self.site = site_or_404(self.request.user, self.kwargs["pk"])
        self.may_rebuild = may_publish_site(self.request.user, self.site)

    def get_page_title(self):
        return self.site.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site = self.site
        releases = Paginator(
            SiteRelease.objects.filter(site=site).select_related("requested_by").defer("changes").order_by("-number"),
            RELEASES_PER_PAGE,
        ).get_page(self.request.GET.get("page"))
        for release in releases.object_list:
            release.status_code = RELEASE_CODES.get(release.status, "none")
            release.reason_label = reason_label(release.reason)
        queue = PublishRequest.objects.filter(site=site).aggregate(
            all=Count("id"), full=Count("id", filter=Q(item_id__isnull=True))
        )
        incidents = list(IntegrityIncident.objects.filter(site=site)[:INCIDENTS_SHOWN])
        for incident in incidents:
            incident.status_code = INCIDENT_CODES.get(incident.status, "none")
        live = (
            SiteRelease.objects.filter(site=site, status=ReleaseStatus.LIVE).defer("changes").order_by("-number").first()
        )
        context.update(
            site=site, key=site_key(site), live=live, queue=queue, releases=releases, incidents=incidents,
            may_rebuild=self.may_rebuild, form=kwargs.get("form") or RebuildForm(),
            front_url=front_url(site), preview_url=reverse("publishing:preview_home", args=[site.pk]),
        )
        return context


class RebuildView(SiteDetailView):
    """POST a full rebuild; a refused form shows the site page again with the reasons."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RebuildForm(request.POST)
        if form.is_valid():
            try:
                RebuildSite(self.actor, self.site, form.cleaned_data["reason"]).execute()
            except ACTION_ERRORS as error:  # NotAllowed becomes the 403 page (RegistryViewMixin)
                report_errors(request, error)
                add_form_errors(form, error)
            else:
                messages.success(request, _("全量重建已加入发布队列，发布程序将重新生成本网站的全部页面。"))
                return redirect("publishing:site", self.site.pk)
        else:
            messages.error(request, _("请根据提示修改后重新提交。"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReleaseView(PublishingViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """The files one release wrote and removed (a full rebuild lists up to 5,000 of each)."""

    template_name = "publishing/admin/release.html"
    header_icon = "globe"

    def prepare(self):
        self.site = site_or_404(self.request.user, self.kwargs["pk"])
        self.release = get_object_or_404(
            SiteRelease.objects.select_related("requested_by"), site=self.site, number=self.kwargs["number"]
        )

    def get_page_title(self):
        return f"{self.site.name} · 第{self.release.number}版"

    def get_parent_crumbs(self):
        return [HOME_CRUMB, {"url": reverse("publishing:site", args=[self.site.pk]), "label": self.site.name}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        release = self.release
        release.status_code = RELEASE_CODES.get(release.status, "none")
        release.reason_label = reason_label(release.reason)
        changes = release.changes or {}
        written, removed = changes.get("written", []), changes.get("removed", [])
        context.update(
            site=self.site, release=release, written=written, removed=removed,
            written_more=max(release.written - len(written), 0), removed_more=max(release.removed - len(removed), 0),
            preview_url=reverse("publishing:preview_home", args=[self.site.pk]),
        )
        return context


# -- preview ------------------------------------------------------------------------------------

#: a preview answers on the admin's origin: nothing may frame it, run inline code, post
#: anywhere or tell the next site which admin page the reader came from
PREVIEW_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'none'; base-uri 'self'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}
_UNSAFE = re.compile(r"\\|[\x00-\x1f\x7f]")
#: published-as-is files a preview may show inline; every other one is a download
_INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "application/pdf"}


def output_path(raw: str) -> str | None:
    """The site-relative output a preview URL asks for (a folder means its ``index.html``), or
    None for anything but a plain relative path: ``..``/``.``/empty segments, backslashes,
    control characters (Django has already decoded ``%2e%2e%2f`` into ``../``)."""
    path = f"{raw}{HOME}" if raw == "" or raw.endswith("/") else raw
    if len(path) > 400 or path.startswith("/") or _UNSAFE.search(path):
        return None
    if any(segment in ("", ".", "..") for segment in path.split("/")):
        return None
    return path


def preview(request, pk: int, path: str = ""):
    """One output of a site rendered on request, byte for byte what the publisher would write.
    Deliberately lean: the permission check, then ``Planner.for_path`` and nothing else."""
    target = output_path(path)
    if target is None:
        raise Http404
    site = site_or_404(request.user, pk)
    data = SiteData.load(site)
    output = Planner(data).for_path(target) if data is not None else None
    if output is None:
        return published_file(site, target)
    return protected(HttpResponse(output.render(), content_type=content_type(target)))


def published_file(site: Site, path: str):
    """Documents and images are published as they are, not rendered (``for_path`` has none):
    show the published copy from the build store so a previewed page keeps its pictures."""
    if not path.startswith(("files/", "images/")):
        raise Http404
    sha = ManifestEntry.objects.filter(site=site, path=path).values_list("sha256", flat=True).first()
    if sha is None or not store.has(sha):
        raise Http404
    kind = content_type(path)
    inline = kind in _INLINE_TYPES
    response = FileResponse(
        store.object_path(sha).open("rb"), content_type=kind if inline else "application/octet-stream",
        as_attachment=not inline, filename=path.rsplit("/", 1)[-1],
    )
    return protected(response)


def protected(response):
    for header, value in PREVIEW_HEADERS.items():
        response[header] = value
    return response
