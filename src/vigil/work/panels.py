"""The home page's box for owned work: how much is open, how much is critical or overdue, and the first few."""
from vigil.core import clock
from vigil.web.registry import panel
from vigil.work.queue import work_for


@panel("work_queue", template="work/panel_work.html", perm="vigil.use", order=1)
def my_work(request, as_of):
    from vigil.work.views import is_overdue, rows_for, show

    items = work_for(request.officer)
    if not items:
        return None
    now = clock.now()
    rows = rows_for(items[:5], {request.officer.ref: request.officer.titled})
    show(request, rows, "home page: my first work items")
    return {"rows": rows, "total": len(items), "critical": sum(1 for i in items if i.severity == "critical"),
            "overdue": sum(1 for i in items if is_overdue(i, now))}
