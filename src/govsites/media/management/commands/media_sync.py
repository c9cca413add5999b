"""Give every hosted site its media collection and bring the media groups in step with the
site memberships and estate-supervisor roles (idempotent; after an upgrade or an import)."""

from django.core.management.base import BaseCommand

from govsites.media.groups import sync_all


class Command(BaseCommand):
    help = "Ensure every hosted site has its image/document collection and sync the media permission groups."

    def handle(self, *args, **options):
        result = sync_all()
        self.stdout.write(
            f"新建网站媒体库 {result['collections']} 个；媒体权限组成员新增 {result['added']} 人次、移除 {result['removed']} 人次。"
        )
