"""Navigation and the home-page panel for professional standards."""
from vigil.web.registry import nav, panel

nav("Professional standards", "standards:index", perm="vigil.view_standards", order=60)


@panel("restrictions", template="standards/panel_restrictions.html", perm="vigil.view_standards", order=22)
def restrictions(request, as_of):
    from vigil.core.models import AccessLogEntry
    from vigil.standards.restrictions import active_restrictions
    from vigil.standards.selectors import force_strength

    return {"restricted": len(active_restrictions(as_of)), "strength": force_strength(),
            "refused": AccessLogEntry.objects.filter(outcome="refused").count()}
