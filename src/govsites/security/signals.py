"""Sent after the commit of every security-record change (supervision and alerts listen here).

``record_changed(sender=<model>, record=<instance>, action="security.notice.fix", actor=Actor)``
"""

from django.dispatch import Signal

record_changed = Signal()
