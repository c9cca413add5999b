"""E-mail to the people who must act on a message (reminders and escalations).

Mail leaves the machine through Django's mail API (the configured ``EMAIL_BACKEND``); tests read
``mail.outbox``. A mail carries the case number, column, sites, department and deadline and a link
to the message in the admin — never the title, the text or the citizen's personal data, which
stay behind the login. A failing mail server is logged and does not stop the sweep: the
reminder stands in the message's timeline and inbox either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from govsites import clock
from govsites.accounts.models import Role
from govsites.content.models import SiteRole

from .actions.deadlines import last_day
from .models import HandlerAssignment, HandlerRole, Message, MessageStatus

logger = logging.getLogger("govsites.interaction.notify")


def _users(**filters):
    return get_user_model().objects.filter(is_active=True, **filters).exclude(email="").distinct()


def triage_handlers(message: Message):
    """The message handlers of the site whose inbox holds the message."""
    return _users(site_memberships__site_id=message.handling_site_id,
                  site_memberships__role=SiteRole.MESSAGE_HANDLER)


def department_staff(message: Message):
    """Whoever must act next: the department's handlers (and its approvers while a reply waits
    for approval); the site's triage handlers while no department has it."""
    if message.department_id is None:
        return triage_handlers(message)
    roles = [HandlerRole.HANDLER]
    if message.status == MessageStatus.REPLY_PENDING:
        roles.append(HandlerRole.APPROVER)
    users = HandlerAssignment.objects.filter(institution_id=message.department_id, role__in=roles)
    return _users(pk__in=users.values("user_id"))


def supervisors(message: Message):
    """Supervisors of the site's area: the offices of the site's institution and those above it."""
    path = message.site.institution.path
    chain = [int(part) for part in path.strip("/").split("/") if part]
    return _users(role_assignments__role=Role.SUPERVISOR, role_assignments__institution_id__in=chain)


def admin_link(message: Message) -> str:
    base = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    return f"{base}{reverse('interaction:message', args=[message.pk])}"


def describe(message: Message) -> list[str]:
    lines = [
        f"受理编号：{message.case_number}",
        f"类型：{message.get_kind_display()}",
        f"来源网站：{message.site.name}",
        f"办理网站：{message.handling_site.name}",
        f"承办部门：{message.department.name if message.department_id else '（尚未交办）'}",
        f"收到时间：{clock.local(message.received_at):%Y-%m-%d %H:%M}",
    ]
    if message.due_at is not None:
        lines.append(f"答复期限：{last_day(message.due_at):%Y-%m-%d}（含当日）")
    lines.append(f"办理地址：{admin_link(message)}")
    return lines


def send(users: Iterable, subject: str, lines: list[str]) -> int:
    """One mail per recipient (addresses are not shown to each other); returns how many were sent."""
    recipients = sorted({user.email for user in users if user.email})
    if not recipients:
        return 0
    body = "\n".join([*lines, "", "本邮件由政府网站集约化平台自动发送，请勿直接回复。"])
    mails = [EmailMessage(subject, body, None, [address]) for address in recipients]
    try:
        return get_connection(fail_silently=False).send_messages(mails) or 0
    except Exception:  # the mail server is outside the machine; the timeline keeps the record
        logger.exception("Sending %d interaction notification(s) failed: %s", len(mails), subject)
        return 0


def reminded(message: Message) -> int:
    subject = f"【临期提醒】留言 {message.case_number} 即将到期"
    return send(department_staff(message), subject, ["以下留言即将超过答复期限，请及时办理：", *describe(message)])


def escalated(message: Message, note: str) -> int:
    subject = f"【超期督办】留言 {message.case_number} {note}"
    people = {*triage_handlers(message), *supervisors(message)}
    return send(people, subject, [f"以下留言{note}，请督促办理：", *describe(message)])
