"""OpenAPI descriptions of Vigil's two ways to authenticate to the API."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "vigil.accounts.tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "a token from `vigil token create`"}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "vigil.accounts.api_auth.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "a browser session that has passed MFA"}
