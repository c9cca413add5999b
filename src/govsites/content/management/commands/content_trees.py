"""Create the page tree of every hosted site that lacks one (after an import, for the demo)."""

from django.core.management.base import BaseCommand

from govsites.content.sites import ensure_all


class Command(BaseCommand):
    help = "Ensure every hosted registry site has its home page and standard columns."

    def handle(self, *args, **options):
        self.stdout.write(f"已检查 {ensure_all()} 个网站的栏目结构。")
