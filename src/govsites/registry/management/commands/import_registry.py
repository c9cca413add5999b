"""``govsites import_registry FILE --as USERNAME``: bulk onboarding from the command line.

Same importer, same rules and messages as the admin page; all or nothing, and a non-zero exit
status with every row's error when anything is wrong (so scripts can rely on it).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govsites.audit.context import Actor
from govsites.registry.errors import NotAllowed
from govsites.registry.importing import import_registry, max_bytes, too_large_message


def acting_user(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("用户“{username}”不存在或已停用。").format(username=username))
    return user


class Command(BaseCommand):
    help = "Import institutions and existing sites from an .xlsx or .csv file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--as", dest="username", required=True, help="the account the import is done as")

    def handle(self, *args, file, username, **options):
        user = acting_user(username)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：{file}").format(file=file))
        size = path.stat().st_size
        if size > max_bytes():
            raise CommandError(too_large_message(size))
        try:
            result = import_registry(path.read_bytes(), path.name, Actor.cli(user))
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        if not result.ok:
            for message in result.messages():
                self.stderr.write(message)
            raise CommandError(_("导入失败：共 {count} 处错误，未导入任何数据。").format(count=len(result.errors)))
        self.stdout.write(self.style.SUCCESS(_("导入完成：新增机构 {institutions} 个，登记网站 {sites} 个。").format(
            institutions=result.institutions, sites=result.sites)))
        for item in result.flagged:
            self.stdout.write(_("待整合：「网站」第 {row} 行 {site}（{institution}）：{reason}").format(
                row=item.row, site=item.site, institution=item.institution, reason=item.reason))
