from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "vigil.assurance"
    label = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        from vigil.assurance import catalogue, roles  # noqa: F401 - indicators, permissions, navigation
