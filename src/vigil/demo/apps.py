from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vigil.demo"
    label = "demo"
    verbose_name = "Synthetic data"

    def ready(self) -> None:
        from vigil.demo import organisation  # noqa: F401 - registers the foundation generators
