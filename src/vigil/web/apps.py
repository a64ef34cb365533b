from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vigil.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from vigil.web import panels  # noqa: F401 - the foundation's navigation and work panels
