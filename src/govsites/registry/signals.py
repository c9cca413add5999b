"""Signals the registry emits after an action commits (one per kind of state change)."""

from django.dispatch import Signal

# sender=Site, site=, old_status=, new_status=, actor=
site_status_changed = Signal()
# sender=Application, application=, actor=
application_submitted = Signal()
# sender=Application, application=, step=, approved=, actor=
application_step_decided = Signal()
# sender=Announcement, announcement=, actor=
announcement_created = Signal()
# sender=Site, site=, changes=, actor=
site_changed = Signal()
