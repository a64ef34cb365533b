from django.conf import settings

from vigil.web.asof import as_of
from vigil.web.registry import nav_items


def shell(request):
    user = getattr(request, "user", None)
    authed = bool(user and user.is_authenticated)
    return {
        "demo_mode": settings.VIGIL_DEMO,
        "mfa_off": not settings.VIGIL_MFA_REQUIRED,
        "nav": [{"label": n.label, "url_name": n.url_name, "count": n.count(request) if n.count else None}
                for n in nav_items(user)] if authed else [],
        "officer": getattr(request, "officer", None),
        "as_of": as_of(request) if authed else None,
    }
