"""``govsites audit_prune [--days N]``: archive and delete audit entries older than the retention
period of the policy profile (never fewer days)."""

from django.core.management.base import BaseCommand, CommandError

from govsites.audit.context import Actor
from govsites.audit.retention import PruneError, prune


class Command(BaseCommand):
    help = "将超过保留期限的审计日志归档（gzip JSON 行 + SHA-256 校验文件）并清理，留下链锚点。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="保留天数（不得少于策略配置的天数）")

    def handle(self, *args, days=None, **options):
        try:
            result = prune(Actor(user=None, via="cli"), days=days)
        except PruneError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.summary())
