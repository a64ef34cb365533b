from django.apps import AppConfig


class SweepConfig(AppConfig):
    name = "vigil.sweep"
    label = "sweep"
    verbose_name = "Alerts and the daily sweep"

    def ready(self) -> None:
        from vigil.sweep import scopes  # noqa: F401 - registrations
