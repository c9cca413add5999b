"""Signals of the interaction platform, sent after the action's transaction commits."""

from django.dispatch import Signal

#: a message changed state: ``message``, ``event`` (an EventKind), ``actor``
message_changed = Signal()
#: what a site shows publicly changed (a reply published or withdrawn, a survey's results, an
#: interview transcript, a knowledge entry): ``site_id``, ``actor``
public_output_changed = Signal()
