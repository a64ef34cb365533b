"""What each role may do in offender management (record-level scope is in scopes.py)."""
import rules

from vigil.accounts.roles import has_role

MANAGEMENT = ("offender_manager", "supervisor", "senior_officer")

rules.add_perm("vigil.view_subject", has_role(*MANAGEMENT))
rules.add_perm("vigil.change_subject", has_role(*MANAGEMENT))
rules.add_perm("vigil.record_visit", has_role(*MANAGEMENT))
rules.add_perm("vigil.plan_visits", has_role("offender_manager", "supervisor"))
rules.add_perm("vigil.record_assessment", has_role("offender_manager", "supervisor"))
rules.add_perm("vigil.approve_assessment", has_role("supervisor", "senior_officer"))
rules.add_perm("vigil.decide_announcement", has_role("supervisor", "senior_officer"))
rules.add_perm("vigil.decide_escalation", has_role("supervisor", "senior_officer"))
rules.add_perm("vigil.view_offender_dashboard", has_role("supervisor", "senior_officer"))
