"""One message: its facts (the citizen's personal data masked), timeline and replies, and a form
for each step the user may take now. Each form posts to its own URL, which calls the action; a
refusal shows the page again with the Chinese reasons and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages as admin_messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from govsites import clock
from govsites.actions import NotAllowed
from govsites.privacy import permissions as privacy_permissions
from govsites.registry.views.base import ACTION_ERRORS, add_form_errors, error_texts

from .. import forms, permissions
from ..actions import (
    AssignMessage,
    DecideReply,
    DraftReply,
    ForwardToSite,
    InteractionError,
    MarkPolicySuggestion,
    PublishMessage,
    ReviewAbove,
    ReviewMessage,
    TransferMessage,
    WithholdPublication,
)
from ..models import Message, MessageKind, MessageStatus, ReplyStatus
from .base import INBOX_CRUMB, STATUS_CODES, InteractionViewMixin, deadline_state


@dataclass(frozen=True)
class Button:
    label: str
    name: str = ""
    value: str = ""
    secondary: bool = False
    danger: bool = False


@dataclass(frozen=True)
class Step:
    """A step offered on the message page when ``offered(user, message)`` holds."""

    label: str
    form_class: type[django_forms.Form]
    offered: Callable
    run: Callable  # (actor, message, cleaned_data) → result
    success: str
    buttons: tuple[Button, ...] = ()
    help: str = ""

    @property
    def button_fields(self) -> set[str]:
        return {b.name for b in self.buttons if b.name}


def pending_reply(message: Message):
    return message.replies.filter(status=ReplyStatus.PENDING).select_related("drafted_by").first()


def _decide(actor, message, data):
    reply = pending_reply(message)
    if reply is None:
        raise InteractionError("该答复不在待审核状态。")
    return DecideReply(actor, reply, approve=data["decision"] == "approve", note=data["note"]).execute()


def _may_decide(user, message) -> bool:
    if message.status != MessageStatus.REPLY_PENDING or not permissions.may_approve(user, message):
        return False
    reply = pending_reply(message)
    return reply is not None and reply.drafted_by_id != user.pk


def _awaiting_review(message) -> bool:
    return message.passed_up_at is not None and message.reviewed_at is None


def _triage(*statuses):
    return lambda user, m: m.status in statuses and permissions.may_triage(user, m)


S = MessageStatus

STEPS: dict[str, Step] = {
    "review": Step(
        _("审核受理"), forms.ReviewForm, _triage(S.RECEIVED),
        lambda actor, m, d: ReviewMessage(actor, m, valid=d["decision"] == "valid", reason=d["reason"],
                                          department=d["department"]).execute(),
        _("已完成审核。"),
        (Button(_("受理"), "decision", "valid"), Button(_("判定无效"), "decision", "invalid", secondary=True, danger=True)),
        _("有效留言予以受理（可同时交办承办部门）；无效留言须写明原因。"),
    ),
    "assign": Step(
        _("交办承办部门"), forms.AssignForm, _triage(S.ACCEPTED),
        lambda actor, m, d: AssignMessage(actor, m, d["department"], d["note"]).execute(),
        _("已交办。"), (Button(_("交办")),),
    ),
    "transfer": Step(
        _("转办其他部门"), forms.TransferForm,
        lambda user, m: (m.status == S.ACCEPTED and m.department_id is not None
                         and permissions.may_handle(user, m) and not permissions.may_triage(user, m)),
        lambda actor, m, d: TransferMessage(actor, m, d["department"], d["reason"]).execute(),
        _("已转办。"), (Button(_("转办"), secondary=True),), _("不属于本部门职责的留言，转交有关部门办理；答复期限不变。"),
    ),
    "forward": Step(
        _("转办下级网站"), forms.ForwardForm,
        lambda user, m: _triage(S.RECEIVED, S.ACCEPTED)(user, m) and forms.subordinate_sites(m.handling_site).exists(),
        lambda actor, m, d: ForwardToSite(actor, m, d["site"], d["note"]).execute(),
        _("已转办下级网站。"), (Button(_("转办"), secondary=True),),
        _("【INT-06】转办后由下级网站按本网站留言办理，答复期限不变。"),
    ),
    "policy": Step(
        _("作为政策建议转送业务部门"), forms.PolicyForm,
        lambda user, m: (m.kind == MessageKind.SUGGESTION and not m.policy_suggestion
                         and _triage(S.ACCEPTED)(user, m)),
        lambda actor, m, d: MarkPolicySuggestion(actor, m, d["department"], d["note"]).execute(),
        _("已作为政策建议转送业务部门。"), (Button(_("转送"), secondary=True),),
        _("【INT-03】有参考价值的政策建议转送业务部门研究办理，办理情况公开。"),
    ),
    "reply": Step(
        _("起草答复"), forms.ReplyForm,
        lambda user, m: m.status == S.ACCEPTED and m.department_id is not None and permissions.may_handle(user, m),
        lambda actor, m, d: DraftReply(actor, m, d["body"], submit=d["submit"]).execute(),
        _("答复已保存。"),
        (Button(_("提交审核"), "submit", "on"), Button(_("保存草稿"), "submit", "", secondary=True)),
    ),
    "decide": Step(
        _("审核答复"), forms.DecideForm, _may_decide, _decide, _("已审核答复。"),
        (Button(_("通过"), "decision", "approve"), Button(_("退回修改"), "decision", "return", secondary=True, danger=True)),
    ),
    "withhold": Step(
        _("不予公开"), forms.WithholdForm,
        lambda user, m: _triage(S.ANSWERED)(user, m) and (m.published_at is not None or not m.withheld_reason),
        lambda actor, m, d: WithholdPublication(actor, m, d["reason"]).execute(),
        _("已设为不公开。"), (Button(_("不予公开"), secondary=True, danger=True),),
    ),
    "publish": Step(
        _("公开办理结果"), forms.ConfirmForm,
        lambda user, m: _triage(S.ANSWERED)(user, m) and m.published_at is None and not _awaiting_review(m),
        lambda actor, m, d: PublishMessage(actor, m).execute(),
        _("办理结果已公开，网站页面将随之更新。"), (Button(_("公开")),),
        _("公开受理日期、答复日期、答复部门和答复内容，不公开留言人个人信息。"),
    ),
    "review-above": Step(
        _("上级审核"), forms.ConfirmForm,
        lambda user, m: m.status == S.ANSWERED and _awaiting_review(m) and permissions.may_review_above(user, m),
        lambda actor, m, d: ReviewAbove(actor, m).execute(),
        _("已审核通过。"), (Button(_("审核通过并发布")),), _("【INT-05】网站找错答复经上级审核后发布。"),
    ),
}


def form_for(name: str, message: Message, data=None):
    return STEPS[name].form_class(data, message=message, auto_id=f"id_{name}_%s")


class MessageView(InteractionViewMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "interaction/admin/message.html"
    parent_crumbs = (INBOX_CRUMB,)

    def has_access(self, user) -> bool:
        return bool(user and user.is_authenticated)  # checked per message in prepare()

    def prepare(self):
        self.message = self.load()
        self.bound: dict[str, django_forms.Form] = {}

    def load(self) -> Message:
        """The message if the user may see it; a 404 otherwise, as if it did not exist."""
        message = (
            Message.objects.select_related(
                "channel", "site__institution", "handling_site__institution", "department", "forwarded_from",
                "reply_department", "submitter",
            ).filter(pk=self.kwargs["pk"]).first()
        )
        if message is None or not permissions.may_view(self.request.user, message):
            raise Http404(_("未找到该留言。"))
        return message

    def get_page_title(self):
        return f"{self.message.case_number} {self.message.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, message, now = self.request.user, self.message, clock.now()
        record = message.submitter
        replies = list(message.replies.select_related("department", "drafted_by", "decided_by"))
        own_pending = [r for r in replies if r.status == ReplyStatus.PENDING and r.drafted_by_id == user.pk]
        context.update(
            message=message,
            status_code=STATUS_CODES.get(message.status, "none"),
            deadline=deadline_state(message, now),
            record=record,
            masked=record.masked() if record is not None and not record.is_erased else None,
            unmask_url=reverse("privacy:record", args=[record.pk])
            if record is not None and privacy_permissions.may_unmask(user, record) else "",
            events=message.events.select_related("actor", "from_institution", "to_institution"),
            replies=replies,
            own_pending=bool(own_pending and permissions.may_approve(user, message)),
            steps=self.steps(),
            read_only=not permissions.may_handle(user, message),
        )
        return context

    def steps(self) -> list[dict]:
        user, message = self.request.user, self.message
        offered = []
        for name, step in STEPS.items():
            form = self.bound.get(name)
            if form is None:
                if not step.offered(user, message):
                    continue
                form = form_for(name, message, None)
                if name == "reply":  # go on from the draft, or from the reply the approver returned
                    draft = message.replies.filter(status__in=(ReplyStatus.DRAFT, ReplyStatus.REJECTED)).first()
                    form.initial["body"] = draft.body if draft else ""
            offered.append({
                "name": name, "step": step, "form": form,
                "url": reverse("interaction:step", args=[message.pk, name]),
            })
        return offered


class StepView(MessageView):
    """POST one step; on refusal the message page shows again with the reasons (400 / 403)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        name = self.kwargs["step"]
        step = STEPS.get(name)
        if step is None:
            raise Http404
        form = form_for(name, self.message, request.POST)
        if not form.is_valid():
            admin_messages.error(request, _("请根据提示修改后重新提交。"))
            return self.show_again(name, form, 400)
        try:
            step.run(self.actor, self.message, form.cleaned_data)
        except NotAllowed as denied:
            admin_messages.error(request, denied.message)
            return self.show_again(name, form, 403)
        except ACTION_ERRORS as error:
            for text in error_texts(error):
                admin_messages.error(request, text)
            add_form_errors(form, error)
            return self.show_again(name, form, 400)
        admin_messages.success(request, step.success)
        if not permissions.may_view(request.user, self.load_fresh()):
            return redirect("interaction:inbox")  # e.g. transferred away from the user's department
        return redirect("interaction:message", self.message.pk)

    def load_fresh(self) -> Message:
        return Message.objects.select_related("channel", "site__institution").get(pk=self.message.pk)

    def show_again(self, name: str, form, status: int):
        # The action ran in a transaction that was rolled back; the in-memory message may not be.
        self.message = self.load()
        self.bound[name] = form
        return self.render_to_response(self.get_context_data(), status=status)
