from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "vigil.investigations"
    label = "investigations"
    verbose_name = "Investigation allocation"

    def ready(self) -> None:
        from vigil.investigations import (  # noqa: F401 - registrations
            assurance,
            generate,
            interchange,
            pages,
            policy,
            roles,
            scopes,
            sweep,
        )
