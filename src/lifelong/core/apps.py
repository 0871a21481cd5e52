from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lifelong.core"
    label = "core"
    verbose_name = "Lifelong core"
