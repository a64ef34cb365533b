"""Who sees assurance: supervisors (their team), senior officers (their borough; Supt and above the force),
auditors and professional standards (the force). Figures are counts; drill-down lists are scoped like any list."""
import rules

from vigil.accounts.roles import has_role
from vigil.web.registry import nav

rules.add_perm("vigil.view_assurance", has_role("supervisor", "senior_officer", "auditor", "professional_standards"))
rules.add_perm("vigil.export_inspection_report", has_role("senior_officer", "auditor"))

nav("Assurance", "assurance:dashboard", perm="vigil.view_assurance", order=150)
