"""What each role may do with missing-children records. Record scope is separate (``scopes.py``)."""
import rules

from vigil.accounts.roles import has_role

COORDINATION = ("missing_persons_coordinator", "supervisor", "senior_officer")

rules.add_perm("vigil.view_missing", has_role("missing_persons_coordinator", "exploitation_analyst", "supervisor",
                                              "senior_officer"))
rules.add_perm("vigil.record_missing", has_role(*COORDINATION))
rules.add_perm("vigil.screen_missing", has_role("missing_persons_coordinator", "exploitation_analyst", "supervisor",
                                                "senior_officer"))
rules.add_perm("vigil.review_matches", has_role("missing_persons_coordinator", "exploitation_analyst", "supervisor",
                                                "senior_officer"))
# A linkage run rescores every person record of the force: the exploitation analyst, who reviews what it finds.
rules.add_perm("vigil.run_linkage", has_role("exploitation_analyst"))
rules.add_perm("vigil.review_offender_link", has_role("offender_manager", "supervisor", "senior_officer"))
