"""Sent after the commit of a finding's change: ``finding_changed(finding=…, kind=…, actor=…)``
(``kind`` a ``FindingEventKind``) — notifications and the dashboard listen."""

from django.dispatch import Signal

finding_changed = Signal()
