"""Delete rate counters of past windows and spent form tokens older than the replay memory."""

from django.core.management.base import BaseCommand

from govsites.public import housekeeping


class Command(BaseCommand):
    help = "删除公众服务过期的限流计数和已使用的表单令牌（默认保留7天）。"

    def add_arguments(self, parser):
        parser.add_argument("--token-days", type=int, default=housekeeping.TOKEN_DAYS, help="表单令牌保留天数")

    def handle(self, *args, token_days, **options):
        counters, tokens = housekeeping.prune(max(1, token_days))
        self.stdout.write(f"已删除限流计数 {counters} 条、表单令牌 {tokens} 条。")
