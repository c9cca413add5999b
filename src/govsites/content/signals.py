"""Signals of the content app.

``item_shown_changed`` is sent *inside* the transaction of a change to what published items show
(archiving, for now: Wagtail's own ``published``/``unpublished`` signals cover publication), so a
dependant such as the publisher can queue its work atomically with the change itself.
"""

from django.dispatch import Signal

# sender=Item, item_ids=[...], reason=str
item_shown_changed = Signal()
