"""``govsites export_registry FILE.xlsx --as USERNAME``: what that account may see, in the import format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govsites.audit.context import Actor
from govsites.registry.exporting import export_registry

from .import_registry import acting_user


class Command(BaseCommand):
    help = "Export the institutions and sites visible to an account as an .xlsx (the import format)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the .xlsx")
        parser.add_argument("--as", dest="username", required=True, help="the account the export is done as")

    def handle(self, *args, file, username, **options):
        user = acting_user(username)
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("导出文件的扩展名须为 .xlsx。"))
        if not path.parent.is_dir():
            raise CommandError(_("目录不存在：{path}").format(path=path.parent))
        path.write_bytes(export_registry(Actor.cli(user)))
        self.stdout.write(self.style.SUCCESS(_("已导出到 {path}。").format(path=path)))
