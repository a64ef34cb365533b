from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "vigil.work"
    label = "work"
    verbose_name = "Owned work"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from vigil.work import panels, roles  # noqa: F401 - registrations

        autodiscover_modules("work")  # each area registers its sources of work items (``@work_source``)
