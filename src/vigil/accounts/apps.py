from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = "Officers, teams and roles"

    def ready(self) -> None:
        # registrations; the API's OpenAPI descriptions (accounts.schema) are registered with the API's URLs, so a
        # command that serves no API does not load the schema generator
        from vigil.accounts import interchange, roles, scopes  # noqa: F401
