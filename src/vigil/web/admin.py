"""The admin site is for administrators (by role, MFA-verified), never for superusers who bypass scoping, and it
holds configuration, not personal data (docs/adr/0010-admin-is-configuration-only.md).

Registered here: boroughs and teams (editable) and policy versions (view-only; a change is a new version made on
the policy page). The accounts area narrows its own models in ``vigil.accounts.admin``. Nothing else is in the
admin site: people, subjects, crimes, episodes, standards cases, visits, the access log, break-glass, login
attempts and second-factor devices are read and changed only through the pages that restrict and log them.
Every list and record an administrator opens here, and every change, is in the s.62 access log.
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


def _ref(obj) -> str:
    return str(getattr(obj, "ref", None) or obj.pk)


class AuditedModelAdmin(admin.ModelAdmin):
    """Every record an administrator lists, opens or changes here is in the s.62 access log too."""

    def _log(self, request, obj, operation: str, detail: str) -> None:
        access_log.record(actor=request.user, operation=operation, record_type=obj._meta.label_lower,
                          record_ids=_ref(obj), justification="administration", detail=detail)

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

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                self._log(request, obj, "consultation", "opened for deletion in the admin site")
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        """The confirmation says how many related records a deletion would take, by kind, never which: Django
        lists each one (a team's people, subjects, crimes), which would show personal data here."""
        _, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [f"{len(protected)} related record(s) that may not be deleted"]
        return [str(o) for o in objs], model_count, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None and request.method == "GET":
            access_log.consulted(request.user, self.model._meta.label_lower, [_ref(o) for o in cl.result_list],
                                 "administration", "listed in the admin site")
        return response


class ViewOnlyAdmin(AuditedModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.has_permission = _has_permission
admin.site.site_header = "Vigil administration"

# Configuration: (app, model) -> editable. The accounts area's other models are registered here too and narrowed
# (or left out) by vigil.accounts.admin, which owns them.
CONFIGURATION = {("accounts", "borough"): True, ("accounts", "team"): True, ("core", "policyversion"): False}
ACCOUNTS_OWN = "accounts"

for model in apps.get_models():
    app, name = model._meta.app_label, model._meta.model_name
    if (app, name) in CONFIGURATION:
        editable = CONFIGURATION[(app, name)]
    elif app == ACCOUNTS_OWN:
        editable = True
    else:
        if admin.site.is_registered(model):  # Django's own (users, groups), django-otp's, django-axes'
            admin.site.unregister(model)
        continue
    for action in ("view", "add", "change", "delete") if editable else ("view",):
        rules.set_perm(f"{app}.{action}_{name}", _is_admin)
    with contextlib.suppress(admin.sites.AlreadyRegistered):
        admin.site.register(model, AuditedModelAdmin if editable else ViewOnlyAdmin)
