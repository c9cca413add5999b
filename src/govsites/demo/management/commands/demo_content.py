"""``govsites demo_content``: review workflows for every demo site and a morning's work on the
province portal (run after ``demo_accounts``; does nothing the second time)."""

from django.core.management.base import BaseCommand, CommandError

from ...content import play
from ...estate import DemoError


class Command(BaseCommand):
    help = "Give every demo site its review workflow and put demo items in the library (demo only)."

    def handle(self, *args, **options):
        try:
            made = play()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已为 {made['workflows']} 个网站配置审核流程，新建演示信息 {made['items']} 条。")
