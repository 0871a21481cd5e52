from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "lifelong.credits"
    label = "credits"
    verbose_name = "CE ledger"

    def ready(self) -> None:
        # Connects the handler that deletes a certificate's stored file with its row.
        from lifelong.credits import certificate_services  # noqa: F401
