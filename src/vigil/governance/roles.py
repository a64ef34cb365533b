"""Who does information governance: the information managers (MoPI review, subject access, erasure, restriction);
anyone whose work holds a person records a disclosure of them to a partner agency."""
import rules

from vigil.accounts.roles import OPERATIONAL, has_role
from vigil.web.registry import nav

rules.add_perm("vigil.govern_information", has_role("information_manager"))
rules.add_perm("vigil.disclose", has_role(*OPERATIONAL, "information_manager"))

nav("Information governance", "governance:home", perm="vigil.govern_information", order=210)
