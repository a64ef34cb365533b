"""What each role may do in investigation allocation. Which crimes is separate (``scopes.py``)."""
import rules

from vigil.accounts.roles import has_role

rules.add_perm("vigil.view_crimes", has_role("investigator", "supervisor", "senior_officer", "allocation_manager"))
rules.add_perm("vigil.allocate_crimes", has_role("allocation_manager", "supervisor", "senior_officer"))
rules.add_perm("vigil.batch_allocate", has_role("allocation_manager"))
rules.add_perm("vigil.assess_crimes", has_role("investigator", "supervisor", "senior_officer", "allocation_manager"))
rules.add_perm("vigil.view_workload", has_role("allocation_manager", "supervisor", "senior_officer"))
