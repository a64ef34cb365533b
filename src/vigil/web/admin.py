"""The admin site is for administrators (by role, MFA-verified), never for superusers who bypass scoping.

Administrators may view and edit organisation and person records; the access log is view-only for them and
nobody can change or delete it here.
"""
import contextlib

import rules
from django.apps import apps
from django.conf import settings
from django.contrib import admin

from vigil.accounts.roles import has_role
from vigil.core import access_log

_is_admin = has_role("administrator")


def _has_permission(request) -> bool:
    user = request.user
    verified = user.is_verified() if hasattr(user, "is_verified") else False
    return bool(user.is_active and _is_admin(user) and (verified or not settings.VIGIL_MFA_REQUIRED))


class AuditedModelAdmin(admin.ModelAdmin):
    """Every record an administrator opens or changes here is in the s.62 access log too."""

    def _log(self, request, obj, operation: str, detail: str) -> None:
        access_log.record(actor=request.user, operation=operation, record_type=obj._meta.label_lower,
                          record_ids=str(getattr(obj, "ref", None) or obj.pk),
                          justification="administration", detail=detail)

    def log_addition(self, request, obj, message):
        self._log(request, obj, "collection", "added in the admin site")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._log(request, obj, "alteration", "changed in the admin site")
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._log(request, obj, "erasure", "deleted in the admin site")
        return super().log_deletions(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                self._log(request, obj, "consultation", "opened in the admin site")
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.has_permission = _has_permission
admin.site.site_header = "Vigil administration"

_EDITABLE = {"accounts", "people", "core"}
for model in apps.get_models():
    app = model._meta.app_label
    if app not in _EDITABLE:
        continue
    name = model._meta.model_name
    readonly = name in ("accesslogentry", "breakglass", "policyversion")
    for action in ("view",) if readonly else ("view", "add", "change", "delete"):
        rules.set_perm(f"{app}.{action}_{name}", _is_admin)
    with contextlib.suppress(admin.sites.AlreadyRegistered):
        admin.site.register(model, AuditedModelAdmin)
