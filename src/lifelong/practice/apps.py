from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "lifelong.practice"
    label = "practice"
    verbose_name = "Practice"
