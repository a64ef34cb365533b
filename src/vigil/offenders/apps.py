from django.apps import AppConfig


class OffendersConfig(AppConfig):
    name = "vigil.offenders"
    label = "offenders"
    verbose_name = "Offender management"

    def ready(self) -> None:
        from vigil.offenders import generate, interchange, policy, roles, scopes, sweep, web  # noqa: F401 - registrations
