from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vigil.core"
    label = "core"
    verbose_name = "Vigil core"

    def ready(self):
        from vigil.core import log_anchor  # noqa: F401 - registers the deploy check on the log's anchor
        from vigil.core.rows import read_sqlite_dates_once

        read_sqlite_dates_once()
