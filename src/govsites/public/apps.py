from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PublicConfig(AppConfig):
    name = "govsites.public"
    label = "public"
    verbose_name = "公众服务"

    def ready(self):
        from govsites.interaction.models import Channel

        from .service import forget_channels

        post_save.connect(forget_channels, sender=Channel, dispatch_uid="public-forget-channels-save")
        post_delete.connect(forget_channels, sender=Channel, dispatch_uid="public-forget-channels-delete")
