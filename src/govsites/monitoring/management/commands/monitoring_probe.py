"""``govsites monitoring_probe``: probe every running site's home page once (cron: ≥ 20 times a day)."""

from django.core.management.base import BaseCommand

from govsites.monitoring.availability import probe_sites


class Command(BaseCommand):
    help = "对所有运行中网站的首页进行一次可用性探测（每天至少20次）。"

    def add_arguments(self, parser):
        parser.add_argument("--scheme", choices=("http", "https"), default="https")

    def handle(self, *args, **options):
        probes = probe_sites(scheme=options["scheme"])
        failed = sum(1 for p in probes if not p.ok)
        self.stdout.write(f"探测 {len(probes)} 个网站，失败 {failed} 个。")
