"""The interaction platform's seams into Wagtail: admin URLs, the 互动交流 menu, audit labels and
the scheduled deadline sweep.

The 互动交流 menu collects its items from the ``register_interaction_menu_item`` hook: other parts
of the back office (surveys, interviews, knowledge base, columns) add theirs with one function
each, e.g. ``@hooks.register("register_interaction_menu_item")`` returning a ``MenuItem``.
"""

import datetime as dt

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem


class InteractionMenuItem(MenuItem):
    """A menu item shown only to users for whom ``check(user)`` holds."""

    def __init__(self, label, url, *, check, **kwargs):
        super().__init__(label, url, **kwargs)
        self.check = check

    def is_shown(self, request):
        return self.check(request.user)


def _works_on_messages(user) -> bool:
    from .permissions import works_on_messages

    return works_on_messages(user)


def _oversees(user) -> bool:
    from .views.base import oversees_any

    return oversees_any(user)


@hooks.register("register_admin_urls")
def register_interaction_urls():
    from . import urls

    return [path("interaction/", include(urls))]


@hooks.register("register_admin_menu_item")
def register_interaction_menu():
    """Shown when any of its items is (the inbox: ``permissions.works_on_messages``)."""
    menu = Menu(register_hook_name="register_interaction_menu_item")
    return SubmenuMenuItem(_("互动交流"), menu, name="interaction", icon_name="mail", order=250)


@hooks.register("register_interaction_menu_item")
def register_inbox_menu_item():
    return InteractionMenuItem(_("留言办理"), reverse_lazy("interaction:inbox"), check=_works_on_messages,
                               name="interaction-inbox", icon_name="mail", order=100)


@hooks.register("register_interaction_menu_item")
def register_statistics_menu_item():
    return InteractionMenuItem(_("留言统计"), reverse_lazy("interaction:statistics"), check=_oversees,
                               name="interaction-statistics", icon_name="table", order=200)


@hooks.register("register_interaction_menu_item")
def register_veto_menu_item():
    return InteractionMenuItem(_("互动回应考核"), reverse_lazy("interaction:veto"), check=_oversees,
                               name="interaction-veto", icon_name="warning", order=300)


@hooks.register("register_log_actions")
def register_message_log_actions(actions):
    """Chinese labels of the message steps in the audit trail (``interaction.message.<event>``)."""
    from govsites.audit.models import AuditLogEntry

    from .models import EventKind, Message

    actions.register_model(Message, AuditLogEntry)
    labels = {f"interaction.message.{kind.value}": f"留言：{kind.label}" for kind in EventKind}
    labels["interaction.message.reply_drafted"] = "留言：保存答复草稿"
    labels["interaction.statistics.export"] = "导出留言统计"
    for action, label in labels.items():
        actions.register_action(action, label, label)


@hooks.register("register_scheduled_jobs")
def register_deadline_sweep():
    from govsites.scheduling import Job

    from .sweep import run

    return [Job("interaction.deadlines", dt.timedelta(minutes=15), run, command="interaction_sweep")]


@hooks.register("register_scheduled_jobs")
def register_timed_pages():
    """Survey and interview forms appear and disappear on the static sites on time."""
    from govsites.scheduling import Job

    from .outputs import TimedPages

    return [Job("interaction.timed_pages", dt.timedelta(minutes=1), TimedPages())]


@hooks.register("register_publishing_outputs")
def register_interaction_outputs():
    """The interaction pages of every site (docs/interaction.md, "On the static sites")."""
    from . import outputs

    return outputs.NAME, outputs.provider


# -- columns, surveys, interviews, knowledge base (views_extra) -------------------------------------


@hooks.register("register_log_actions")
def register_column_log_actions(actions):
    """Chinese labels of the column actions (channels, surveys, interviews, knowledge base)."""
    from govsites.audit.models import AuditLogEntry

    from .actions.columns import LOG_ACTIONS
    from .models import Channel, Interview, InterviewQuestion, KnowledgeEntry, Survey

    for model in (Channel, Survey, Interview, InterviewQuestion, KnowledgeEntry):
        actions.register_model(model, AuditLogEntry)
    for action, label in LOG_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_urls")
def register_column_urls():
    from .views_extra import urls

    return [path("interaction/columns/", include(urls))]


def _works_on_columns(user) -> bool:
    from .views_extra.base import works_on_columns

    return works_on_columns(user)


def _runs_columns(user) -> bool:
    from .views_extra.base import runs_columns

    return runs_columns(user)


@hooks.register("register_interaction_menu_item")
def register_surveys_menu_item():
    return InteractionMenuItem(_("征集调查"), reverse_lazy("interaction_extra:surveys"), check=_runs_columns,
                               name="interaction-surveys", icon_name="list-ul", order=400)


@hooks.register("register_interaction_menu_item")
def register_interviews_menu_item():
    return InteractionMenuItem(_("在线访谈"), reverse_lazy("interaction_extra:interviews"), check=_runs_columns,
                               name="interaction-interviews", icon_name="comment", order=500)


@hooks.register("register_interaction_menu_item")
def register_knowledge_menu_item():
    return InteractionMenuItem(_("知识库"), reverse_lazy("interaction_extra:entries"), check=_runs_columns,
                               name="interaction-knowledge", icon_name="help", order=600)


@hooks.register("register_interaction_menu_item")
def register_channels_menu_item():
    return InteractionMenuItem(_("互动栏目设置"), reverse_lazy("interaction_extra:channel_sites"),
                               check=_works_on_columns, name="interaction-channels", icon_name="cog", order=700)


@hooks.register("register_publishing_column_entries")
def interaction_column_entry(site):
    """The site's 互动交流 navigation link leads to its interaction pages once it has columns there."""
    from govsites.content.columns import ColumnType

    from .models import Channel
    from .outputs import INDEX

    if Channel.objects.filter(site=site, enabled=True).exists():
        return {ColumnType.INTERACTION: INDEX}
    return {}

