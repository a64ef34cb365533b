from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "vigil.missing"
    label = "missing"
    verbose_name = "Missing children and exploitation"

    def ready(self) -> None:
        from vigil.missing import (  # noqa: F401 - registrations
            demo,
            interchange,
            panels,
            policy,
            roles,
            scopes,
            sweep,
        )
        from vigil.missing.links import on_identities_changed
        from vigil.people.linkage.services import identities_changed

        identities_changed.connect(on_identities_changed, dispatch_uid="missing-offender-links")
