"""互动栏目: the columns of each site the user runs or manages, their purpose and use (INT-01)."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from govsites.registry.models import Site

from .. import permissions
from ..actions import EditChannel, SetUpChannels
from ..models import Channel, ChannelKind
from .base import ActionFormView, PageView, StepView, works_on_columns
from .forms import ChannelForm

HOME = {"url": reverse_lazy("interaction_extra:channel_sites"), "label": _("互动栏目")}


def editable_sites(user):
    ids = permissions.column_sites(user) | permissions.managed_sites(user)
    return Site.objects.filter(pk__in=ids).select_related("institution").order_by("institution__path", "pk")


class ChannelAccess:
    def has_access(self, user) -> bool:
        return works_on_columns(user)

    def load_site(self) -> Site:
        site = editable_sites(self.request.user).filter(pk=self.kwargs["site"]).first()
        if site is None:
            raise Http404(_("未找到该网站。"))
        return site


class ChannelSitesView(ChannelAccess, PageView):
    template_name = "interaction/admin_extra/channel_sites.html"
    page_title = _("互动栏目")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sites = editable_sites(self.request.user).annotate(
            channels=Count("interaction_channels"))
        context.update(sites=sites, standard=len(ChannelKind.values))
        return context


class SiteChannelsView(ChannelAccess, PageView):
    template_name = "interaction/admin_extra/site_channels.html"
    crumbs = (HOME,)

    def prepare(self):
        self.site = self.load_site()

    def get_page_title(self):
        return self.site.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channels = Channel.objects.filter(site=self.site).select_related("platform")
        context.update(site=self.site, channels=channels, missing=len(ChannelKind.values) - len(channels))
        return context


class SetUpChannelsView(ChannelAccess, StepView):
    success_message = _("已设置本网站的标准互动栏目。")

    def prepare(self):
        self.site = self.load_site()

    def run(self):
        SetUpChannels(self.actor, self.site).execute()

    def back(self) -> str:
        return reverse("interaction_extra:site_channels", args=[self.site.pk])


class ChannelEditView(ChannelAccess, ActionFormView):
    form_class = ChannelForm
    success_message = _("栏目已保存，网站页面将随之更新。")

    def prepare(self):
        channel = Channel.objects.select_related("site").filter(pk=self.kwargs["pk"]).first()
        if channel is None or not editable_sites(self.request.user).filter(pk=channel.site_id).exists():
            raise Http404(_("未找到该栏目。"))
        self.channel = channel

    def get_page_title(self):
        return f"{self.channel.site.name} · {self.channel.title}"

    def get_parent_crumbs(self):
        return [HOME, {"url": reverse("interaction_extra:site_channels", args=[self.channel.site_id]),
                       "label": self.channel.site.name}]

    def initial(self):
        c = self.channel
        return {"title": c.title, "purpose": c.purpose, "usage": c.usage, "enabled": c.enabled}

    def run(self, data):
        return EditChannel(self.actor, self.channel, **data).execute()

    def success_url(self, result):
        return reverse("interaction_extra:site_channels", args=[self.channel.site_id])
