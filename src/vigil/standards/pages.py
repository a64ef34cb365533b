"""Navigation and the home-page panel for professional standards."""
import datetime as dt

from vigil.web.registry import nav, panel

nav("Professional standards", "standards:index", perm="vigil.view_standards", order=60)


@panel("restrictions", template="standards/panel_restrictions.html", perm="vigil.view_standards", order=22)
def restrictions(request, as_of):
    from vigil.core import clock
    from vigil.core.models import AccessLogEntry
    from vigil.standards.restrictions import active_restrictions
    from vigil.standards.selectors import force_strength

    since = clock.now() - dt.timedelta(days=30)  # through the log's time index, not the whole log
    return {"restricted": len(active_restrictions(as_of)), "strength": force_strength(),
            "refused": AccessLogEntry.objects.filter(at__gte=since, outcome="refused").count()}
