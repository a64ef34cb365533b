from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = "Officers, teams and roles"

    def ready(self) -> None:
        from vigil.accounts import interchange, roles, schema, scopes  # noqa: F401 - registrations
