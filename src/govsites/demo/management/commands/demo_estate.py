"""``govsites demo_estate``: generate the fictional demo estate; a second run changes nothing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govsites.registry.models import SiteStatus

from ... import estate, interaction
from ...names import PROVINCE


class Command(BaseCommand):
    help = "Generate the fictional demo estate (澜川省): every site status, real histories, pending approvals."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(estate.SCALES), default="small",
                            help="small ≈ 50 sites, medium ≈ 500 (a real province), large ≈ 2000")
        parser.add_argument("--seed", type=int, default=estate.DEFAULT_SEED, help="same seed, same estate")
        parser.add_argument("--reset", action="store_true", help="delete the demo registry data first")

    def handle(self, *args, scale, seed, reset, **options):
        try:
            if estate.demo_root() is not None and not reset:
                self.stdout.write(f"演示网站群「{PROVINCE}省」已存在，未做任何更改（如需重新生成，请加 --reset）。")
                self.report(estate.summary())
                return
            with transaction.atomic():  # a failed regeneration keeps the old estate
                if reset:
                    interaction.reset()  # messages keep their sites: they go first
                    estate.reset()
                result = estate.generate(scale, seed)
        except estate.DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已生成演示网站群「{PROVINCE}省」（规模 {scale}，随机种子 {seed}），用时 {result.seconds:.1f} 秒。"
        ))
        self.report(result)

    def report(self, result: estate.Summary) -> None:
        states = "，".join(f"{SiteStatus(s).label} {n}" for s, n in result.statuses.items() if n)
        self.stdout.write(f"机构 {result.institutions} 个，网站 {result.sites} 个（{states}），"
                          f"待审批申请 {result.pending_applications} 件。")
