"""Navigation, "my work" panels and the person page's crimes section for investigation allocation."""
import heapq

from vigil.core import access_log
from vigil.investigations.selectors import my_crimes, queue
from vigil.web.registry import nav, panel, person_section

nav("Crime queue", "investigations:queue", perm="vigil.view_crimes", order=30)
nav("Workload", "investigations:workload", perm="vigil.view_workload", order=31)
nav("Below level", "investigations:below_level", perm="vigil.view_workload", order=32)
nav("Allocation policy", "investigations:policy", perm="vigil.edit_policy", order=190)


@panel("crime_queue", template="investigations/panel_queue.html", perm="vigil.allocate_crimes", order=20)
def crime_queue(request, as_of):
    qs = queue(actor=request.user, as_of=as_of)
    # The queue's dates read once, counted and the oldest picked here: asked for the oldest five in SQL,
    # PostgreSQL walked every crime ever reported from the oldest (800,000 in London, nearly all closed).
    rows = list(qs.order_by().values_list("reported", "ref", "pk"))
    first = [pk for _, _, pk in heapq.nsmallest(5, rows)]
    oldest = sorted(qs.filter(pk__in=first), key=lambda c: (c.reported, c.ref))
    access_log.consulted(request.user, "crime", [c.ref for c in oldest], "own or team work",
                         "home page: crime queue, oldest")
    return {"total": len(rows), "oldest": oldest}


@panel("my_crimes", template="investigations/panel_my_crimes.html", perm="vigil.view_crimes", order=21)
def crimes_for_me(request, as_of):
    qs = my_crimes(actor=request.user, as_of=as_of).order_by("reported", "ref")
    crimes = list(qs[:20])
    if not crimes:
        return None
    access_log.consulted(request.user, "crime", [c.ref for c in crimes], "own or team work", "home page: my crimes")
    return {"crimes": crimes, "total": qs.count()}


@person_section
def crimes_of_person(request, person):
    """The crimes this person is a victim or suspect in, those the viewer may see."""
    from vigil.investigations.models import Crime

    if not request.user.has_perm("vigil.view_crimes"):
        return None
    links = list(person.crime_roles.filter(crime__in=Crime.objects.restrict(request.user).values("pk"))
                 .select_related("crime").order_by("-crime__reported")[:50])
    if not links:
        return None
    access_log.consulted(request.user, "crime", [link.crime.ref for link in links], "own or team work",
                         f"person page {person.ref}: crimes")
    return {"title": "Crimes", "template": "investigations/person_crimes.html", "links": links}
