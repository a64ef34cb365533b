from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "vigil.missing"
    label = "missing"
