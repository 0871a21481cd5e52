from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "lifelong.credits"
    label = "credits"
    verbose_name = "CE ledger"
