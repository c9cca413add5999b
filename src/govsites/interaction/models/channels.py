"""Interaction columns (INT-01) and the people of a department who answer messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    LEADER_MAILBOX = "leader_mailbox", _("领导信箱")
    ERROR_REPORT = "error_report", _("我为政府网站找错")
    SURVEY = "survey", _("征集调查")
    INTERVIEW = "interview", _("在线访谈")
    KNOWLEDGE = "knowledge", _("知识库")


#: channel kinds citizens write messages to (the rest have their own models)
MESSAGE_KINDS = (
    ChannelKind.CONSULTATION, ChannelKind.COMPLAINT, ChannelKind.SUGGESTION, ChannelKind.LEADER_MAILBOX,
    ChannelKind.ERROR_REPORT,
)
#: the national "poor interaction" veto counts enquiry columns only: not interviews, surveys or
#: petition/discipline channels (national.md §2, item 5)
ENQUIRY_KINDS = (ChannelKind.CONSULTATION, ChannelKind.COMPLAINT, ChannelKind.SUGGESTION, ChannelKind.LEADER_MAILBOX)


class Channel(models.Model):
    """One interaction column of a site, stating its purpose and how to use it (INT-01).

    ``platform`` is the portal whose unified platform runs the column (SX 13: department sites use
    their portal's platform); it is the site itself for a portal.
    """

    site = models.ForeignKey("registry.Site", on_delete=models.CASCADE, related_name="interaction_channels",
                             verbose_name=_("网站"))
    platform = models.ForeignKey("registry.Site", on_delete=models.PROTECT, related_name="hosted_channels",
                                 verbose_name=_("所属互动平台"))
    kind = models.CharField(_("栏目类型"), max_length=20, choices=ChannelKind.choices)
    title = models.CharField(_("栏目名称"), max_length=50)
    purpose = models.TextField(_("开设宗旨"), max_length=1000)
    usage = models.TextField(_("使用方式"), max_length=2000)
    enabled = models.BooleanField(_("开放"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("互动栏目")
        verbose_name_plural = _("互动栏目")
        ordering = ["site_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["site", "kind"], name="unique_channel_kind_per_site")]

    def __str__(self) -> str:
        return f"{self.site} · {self.title}"

    @property
    def takes_messages(self) -> bool:
        return self.kind in MESSAGE_KINDS

    @property
    def is_enquiry(self) -> bool:
        return self.kind in ENQUIRY_KINDS


class HandlerRole(models.TextChoices):
    HANDLER = "handler", _("承办人")
    APPROVER = "approver", _("答复审核人")


class HandlerAssignment(models.Model):
    """A person of a department (institution) who drafts or approves that department's replies.

    A site's message handlers (``content.SiteRole.MESSAGE_HANDLER``) triage what arrives on the
    site; departments answer what is routed to them — they need not have a site of their own.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler_assignments")
    institution = models.ForeignKey("registry.Institution", on_delete=models.CASCADE,
                                    related_name="message_handlers", verbose_name=_("部门"))
    role = models.CharField(_("职责"), max_length=12, choices=HandlerRole.choices)

    class Meta:
        verbose_name = _("留言办理人员")
        verbose_name_plural = _("留言办理人员")
        constraints = [models.UniqueConstraint(fields=["user", "institution", "role"], name="unique_handler")]

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Answering messages means working in the admin: join the group that may log in.
        from govsites.accounts.groups import ensure_admin_users_group

        self.user.groups.add(ensure_admin_users_group())
