from django.apps import AppConfig


class LiteratureConfig(AppConfig):
    name = "lifelong.literature"
    label = "literature"
    verbose_name = "Literature"
