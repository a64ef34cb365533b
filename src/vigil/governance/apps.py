from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "vigil.governance"
    label = "governance"
    verbose_name = "Information governance"

    def ready(self) -> None:
        from vigil.governance import assurance, generate, pages, policy, roles, scopes  # noqa: F401 - registrations
