from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "vigil.interchange"
    label = "interchange"
    verbose_name = "Import and export"
