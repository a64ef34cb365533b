from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "vigil.standards"
    label = "standards"
