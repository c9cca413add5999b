"""Print a new key entry for GOVSITES_PII_KEYS (or GOVSITES_PII_INDEX_KEY)."""

from django.core.management.base import BaseCommand

from govsites.privacy import crypto


class Command(BaseCommand):
    help = "生成一个新的个人信息密钥（“密钥编号:Base64密钥”），放到 GOVSITES_PII_KEYS 最前面后运行 pii_rotate_keys。"

    def handle(self, *args, **options):
        self.stdout.write(crypto.new_key())
