"""``govsites demo_content``: review workflows for every demo site, a morning's work on the province
portal and about eighteen months of published history on every hosted site (run after
``demo_accounts``; does nothing the second time)."""

from django.core.management.base import BaseCommand, CommandError

from ...content import play
from ...content_history import seed
from ...estate import DemoError


class Command(BaseCommand):
    help = "Give every demo site its review workflow and put demo items in the library (demo only)."

    def handle(self, *args, **options):
        try:
            made = play()
            past = seed()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已为 {made['workflows']} 个网站配置审核流程，新建演示信息 {made['items']} 条。")
        self.stdout.write(
            f"已为 {past.sites} 个网站补充近一年半的已发布信息 {past.items} 条，"
            f"重要政策转载 {past.reposts} 条，用时 {past.seconds:.1f} 秒。"
        )
