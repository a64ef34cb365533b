"""What each role may do, as ``rules`` permissions. Record-level scope is separate (``vigil.core.scope``).

Permission names are ``vigil.<verb>_<thing>``; views and API endpoints check them with ``has_perm``.
Modules add their own permissions in their ``roles.py`` in the same way.
"""
from __future__ import annotations

import rules

from vigil.web.registry import nav


def has_role(*roles: str):
    name = "has_role_" + "_or_".join(roles)

    @rules.predicate(name=name)
    def pred(user) -> bool:
        officer = getattr(user, "officer", None) if getattr(user, "is_authenticated", False) else None
        return bool(officer and officer.active and officer.has_role(*roles))

    return pred


is_officer = rules.predicate(
    lambda user: bool(getattr(user, "is_authenticated", False) and getattr(user, "officer", None)
                      and user.officer.active),
    name="is_officer",
)

OPERATIONAL = (
    "offender_manager", "supervisor", "senior_officer", "investigator", "allocation_manager",
    "missing_persons_coordinator", "exploitation_analyst", "professional_standards",
)

rules.add_perm("vigil.use", is_officer)
rules.add_perm("vigil.search_people", has_role(*OPERATIONAL))
rules.add_perm("vigil.view_person", has_role(*OPERATIONAL))
rules.add_perm("vigil.view_audit", has_role("auditor", "professional_standards"))
rules.add_perm("vigil.review_break_glass", has_role("professional_standards"))
rules.add_perm("vigil.export", has_role("administrator", "auditor"))
rules.add_perm("vigil.administer", has_role("administrator"))
rules.add_perm("vigil.edit_policy", has_role("administrator"))

nav("Accounts", "account_users", perm="vigil.administer", order=220)
nav("Teams", "account_teams", perm="vigil.administer", order=221)
