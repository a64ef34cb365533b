"""The admin site must not be a way round the accounts pages: roles change only with four eyes, an account's
officer link cannot be moved (which would hand one person another's roles), and the one-time links and requests
are view-only. ``vigil.web.admin`` registers every accounts model; this narrows the ones that matter."""
from django.contrib import admin

from vigil.accounts.models import (
    AccountLink,
    ApiToken,
    MfaResetRequest,
    Officer,
    OfficerRole,
    RoleChangeRequest,
)
from vigil.web.admin import AuditedModelAdmin, ViewOnlyAdmin  # registers the rest of the site first


class OfficerAdmin(AuditedModelAdmin):
    readonly_fields = ("user",)


class ApiTokenAdmin(AuditedModelAdmin):
    """Revoking a token here is fine; making one (``vigil token create``) or moving it to another user is not."""

    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request, obj=None):
        return False


for model, model_admin in ((Officer, OfficerAdmin), (ApiToken, ApiTokenAdmin), (OfficerRole, ViewOnlyAdmin),
                           (AccountLink, ViewOnlyAdmin), (MfaResetRequest, ViewOnlyAdmin), (RoleChangeRequest, ViewOnlyAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
