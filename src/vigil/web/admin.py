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

_is_admin = has_role("administrator")


def _has_permission(request) -> bool:
    user = request.user
    verified = user.is_verified() if hasattr(user, "is_verified") else False
    return bool(user.is_active and _is_admin(user) and (verified or not settings.VIGIL_MFA_REQUIRED))


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
        admin.site.register(model)
