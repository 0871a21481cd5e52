from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lifelong.accounts"
    label = "accounts"
    verbose_name = "Accounts"
