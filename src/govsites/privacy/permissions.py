"""Who may see personal data in plain text, and who handles data subjects' requests.

- The security officer (capability ``PERSONAL_DATA_REQUESTS``) handles requests: search, export,
  erase, and unmask any record for that purpose.
- A site's message handler (``SiteRole.MESSAGE_HANDLER`` on the record's site) may unmask the
  records that came through that site: answering a citizen needs their phone number.
- Nobody else — not the system administrator, not the auditor, not editors — ever sees a plain
  value: they are not refused a mask, they are refused the page.
"""

from __future__ import annotations

from govsites.accounts import capabilities
from govsites.content.models import SiteMembership, SiteRole


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def handles_requests(user) -> bool:
    return _active(user) and capabilities.has_capability(user, capabilities.PERSONAL_DATA_REQUESTS)


def handles_messages_of(user, site_id) -> bool:
    if not _active(user) or site_id is None:
        return False
    return SiteMembership.objects.filter(user=user, site_id=site_id, role=SiteRole.MESSAGE_HANDLER).exists()


def may_unmask(user, record) -> bool:
    return handles_requests(user) or handles_messages_of(user, record.site_id)


def may_view(user, record) -> bool:
    """The record's (masked) page: whoever may unmask it."""
    return may_unmask(user, record)
