from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "vigil.standards"
    label = "standards"
    verbose_name = "Professional standards"

    def ready(self) -> None:
        from vigil.standards import (  # noqa: F401 - registrations
            assurance,
            denials,
            generate,
            interchange,
            pages,
            policy,
            roles,
            scopes,
        )
