"""Lift a login lockout from the server, in the name of a security officer (SEC-02).

The unlock is the security officer's duty, so even on the command line it names one
(``--operator``) and is audited as theirs; a system administrator account is refused.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from govsites.actions import NotAllowed
from govsites.audit.context import Actor

from ... import lockout
from ...actions import UnlockAccount


class Command(BaseCommand):
    help = "Unlock an account and/or address locked after login failures (as a security officer)."

    def add_arguments(self, parser):
        parser.add_argument("--username", help="被锁定的账号")
        parser.add_argument("--ip", help="被锁定的来源地址")
        parser.add_argument("--operator", help="办理解锁的安全管理员账号")
        parser.add_argument("--reason", default="")
        parser.add_argument("--list", action="store_true", help="列出当前的锁定")

    def handle(self, *args, username=None, ip=None, operator=None, reason="", list=False, **options):
        if list:
            locks = lockout.current_lockouts()
            for lock in locks:
                self.stdout.write(f"{lock.kind_label}\t{lock.value}\t失败 {lock.failures} 次\t至 {lock.until:%Y-%m-%d %H:%M}")
            if not locks:
                self.stdout.write("当前没有被锁定的账号或地址。")
            return
        if not operator:
            raise CommandError("请用 --operator 指定办理解锁的安全管理员账号。")
        officer = get_user_model().objects.filter(username=operator, is_active=True).first()
        if officer is None:
            raise CommandError(f"账号 {operator} 不存在或已停用。")
        try:
            removed = UnlockAccount(Actor.cli(officer), username=username, ip_address=ip, reason=reason).execute()
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError("".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已解除锁定（清除 {removed} 条失败记录）。"))
