"""检查批次: the censuses that touched the user's scope with their figures for it, one census'
site results, and starting a census of the user's area — on the task queue, never in the web
request (``tasks.census_of_scope``)."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.actions import NotAllowed
from govsites.audit.context import Actor, client_ip
from govsites.registry import permissions as registry_permissions
from govsites.registry.models import SiteStatus

from .. import permissions, tasks
from ..actions import StartCensus
from ..forms import StartCensusForm
from ..models import Census, CensusStatus, SiteResult
from .base import PER_PAGE, MonitoringViewMixin, page_query, verdict

CENSUSES_CRUMB = {"url": reverse_lazy("monitoring:censuses"), "label": _("检查批次")}
#: a census still "running" after this long died with its worker; it no longer blocks a new one
STALE_AFTER = dt.timedelta(hours=6)


#: Chinese names of the figures a census keeps in ``Census.stats``
STAT_LABELS = {"planned": _("计划检查网站数"), "sites": _("本批次网站总数"), "seconds": _("耗时（秒）"),
               "requests": _("HTTP请求数"), "bytes": _("下载字节数"), "retries": _("重试次数"),
               "not_modified": _("未变化页面（条件请求）"), "head_fallbacks": _("HEAD改用GET次数"),
               "refused": _("被拒绝的请求"), "failed": _("未完成原因")}


def visible_censuses(user):
    """Censuses with a result in the user's scope, those they started, and (for estate
    supervisors) all."""
    censuses = Census.objects.all()
    if registry_permissions.is_estate_supervisor(user):
        return censuses
    in_scope = SiteResult.objects.filter(permissions.result_scope(user), census=OuterRef("pk"))
    return censuses.filter(Q(Exists(in_scope)) | Q(started_by=user))


def with_figures(censuses, user):
    """Each census' results within the user's scope: sites, passed, failed, not rated."""
    scope = permissions.result_scope(user, "results__")
    return censuses.annotate(
        sites=Count("results", filter=scope),
        passed=Count("results", filter=scope & Q(results__passed=True)),
        failed=Count("results", filter=scope & Q(results__passed=False)),
        unrated=Count("results", filter=scope & Q(results__passed__isnull=True)),
    )


def running_census():
    """A census in progress (started within ``STALE_AFTER``), if any."""
    return (Census.objects.filter(status=CensusStatus.RUNNING, started_at__gte=clock.now() - STALE_AFTER)
            .order_by("-started_at").first())


def rate(passed: int, failed: int) -> str:
    return f"{passed * 100 / (passed + failed):.1f}%" if passed + failed else "—"


class CensusListView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/censuses.html"
    page_title = _("检查批次")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        censuses = with_figures(visible_censuses(user), user).select_related("started_by").order_by("-started_at", "-pk")
        page = Paginator(censuses, PER_PAGE).get_page(self.request.GET.get("page"))
        may_start = permissions.may_start_census(user)
        context.update(
            page=page, page_query=page_query(self.request),
            rows=[{"census": c, "rate": rate(c.passed, c.failed)} for c in page.object_list],
            start_form=kwargs.get("start_form") or (StartCensusForm() if may_start else None),
            running=running_census(), may_start=may_start,
            planned=permissions.supervised_sites(user).filter(status=SiteStatus.ONLINE).exclude(domain="").count()
            if may_start else 0,
        )
        return context


class StartCensusView(CensusListView):
    """POST: put a census of the user's area on the task queue."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        user = request.user
        if not permissions.may_start_census(user):
            raise NotAllowed(str(_("只有主管单位的监管人员可以发起检查。")))
        form = StartCensusForm(request.POST)
        planned = permissions.supervised_sites(user).filter(status=SiteStatus.ONLINE).exclude(domain="").count()
        if form.is_valid():
            running = running_census()
            if running is not None:
                form.add_error(None, _("已有一次检查正在进行（%(when)s开始），请待其完成后再发起。") % {
                    "when": f"{clock.local(running.started_at):%Y-%m-%d %H:%M}"})
            elif not planned:
                form.add_error(None, _("您的管辖范围内没有运行中且登记了域名的网站，无需检查。"))
        if not form.is_valid():
            admin_messages.error(request, _("未能发起检查，请根据提示修改。"))
            return self.render_to_response(self.get_context_data(start_form=form), status=400)
        kind, note = form.cleaned_data["kind"], form.cleaned_data["note"]
        with transaction.atomic():  # the census shows as running at once: a second click is refused
            census = StartCensus(Actor.from_request(request), kind=kind, note=note, planned=planned).execute()
            transaction.on_commit(lambda: tasks.census_of_scope.enqueue(
                user_id=user.pk, kind=kind, note=note, ip_address=client_ip(request), census_id=census.pk,
                **tasks.admin_census_options()))
        admin_messages.success(request, _("检查已加入后台队列，完成后可查看各网站结果。"))
        return redirect("monitoring:censuses")


class CensusView(MonitoringViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "monitoring/census.html"
    parent_crumbs = (CENSUSES_CRUMB,)
    header_icon = "tasks"

    def prepare(self):
        user = self.request.user
        census = with_figures(visible_censuses(user), user).select_related("started_by").filter(
            pk=self.kwargs["pk"]).first()
        if census is None:
            raise Http404(_("未找到该检查批次。"))
        self.census = census

    def get_page_title(self):
        census = self.census
        return f"{census.get_kind_display()} {clock.local(census.started_at):%Y-%m-%d %H:%M}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        census = self.census
        failed_first = Case(When(passed=False, then=Value(0)), When(passed__isnull=True, then=Value(1)),
                            default=Value(2), output_field=IntegerField())
        results = (SiteResult.objects.filter(permissions.result_scope(self.request.user), census=census)
                   .select_related("site").annotate(order=failed_first).order_by("order", "score", "host"))
        page = Paginator(results, PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            census=census, rate=rate(census.passed, census.failed), page=page, page_query=page_query(self.request),
            rows=[{"result": r, "verdict": verdict(r.passed, r.status)} for r in page.object_list],
            stats=[(STAT_LABELS.get(key, key), value) for key, value in census.stats.items()
                   if not isinstance(value, (dict, list))],
        )
        return context
