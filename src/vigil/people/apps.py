from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vigil.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from vigil.people import interchange, scopes  # noqa: F401 - registrations
        from vigil.people.linkage import policy  # noqa: F401 - linkage registrations
        from vigil.people.linkage import scopes as linkage_scopes  # noqa: F401
