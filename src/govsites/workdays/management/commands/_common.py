"""What the workdays commands share: the acting account."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from govsites.audit.context import Actor


def cli_actor(username: str | None) -> Actor:
    """``--as USERNAME`` (an active system administrator) or, without it, the server's operator."""
    if not username:
        return Actor(user=None, via="cli")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用。")
    return Actor.cli(user)
