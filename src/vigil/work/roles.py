"""What each role may do with owned work. Everyone with an officer record has their own queue (``vigil.use``)."""
import rules

from vigil.accounts.roles import has_role
from vigil.web.registry import nav

rules.add_perm("vigil.supervise_work", has_role("supervisor", "senior_officer"))



def _open_items(request) -> int:
    from vigil.work.registry import open_count

    officer = getattr(request, "officer", None)
    return open_count(officer) if officer is not None else 0


nav("Work queue", "work:queue", perm="vigil.use", order=2, count=_open_items)
