from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "govsites.registry"
    label = "registry"
    verbose_name = "网站注册管理"
