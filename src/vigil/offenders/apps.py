from django.apps import AppConfig


class OffendersConfig(AppConfig):
    name = "vigil.offenders"
    label = "offenders"
