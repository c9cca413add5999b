from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "govsites.policy"
    label = "policy"
    verbose_name = "政策配置"
