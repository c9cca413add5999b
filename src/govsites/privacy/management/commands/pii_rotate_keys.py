"""Re-encrypt all personal data with the current key of GOVSITES_PII_KEYS (docs/privacy.md)."""

from django.core.management.base import BaseCommand, CommandError

from govsites.privacy import crypto
from govsites.privacy.rotation import rotate_all


class Command(BaseCommand):
    help = "用当前密钥（GOVSITES_PII_KEYS 的第一个）重新加密全部个人信息，并重算盲索引；可重复运行、可中断续跑。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批处理的行数（默认500）")
        parser.add_argument("--dry-run", action="store_true", help="只统计需要重新加密的行，不写入")

    def handle(self, *args, batch_size, dry_run, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 须为正整数。")
        try:
            ring = crypto.keyring()
            crypto.index_key()
            self.stdout.write(f"当前密钥：{ring.current}（共配置{len(ring.keys)}个密钥）")
            reports = rotate_all(batch_size=batch_size, dry_run=dry_run)
        except (crypto.PersonalDataKeyError, crypto.CorruptValue) as error:
            raise CommandError(f"{error}（已完成的批次已保存，修正后重新运行即可继续。）") from error
        verb = "需重新加密" if dry_run else "重新加密"
        for report in reports:
            self.stdout.write(
                f"{report.label}：检查{report.rows}行，{verb}{report.reencrypted}行（{report.values}个值），"
                f"重算盲索引{report.reindexed}行，已是当前密钥{report.current}行"
            )
        total = sum(r.reencrypted for r in reports)
        self.stdout.write(self.style.SUCCESS(f"完成：共{verb}{total}行。"))
