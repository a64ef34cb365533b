"""Professional standards' permissions. A restricted officer may not export the database either: an export
would disclose the records their restriction denies them (docs/adr/0202)."""
import rules

from vigil.accounts.roles import has_role

rules.add_perm("vigil.view_standards", has_role("professional_standards"))
rules.add_perm("vigil.manage_standards", has_role("professional_standards"))


@rules.predicate
def is_restricted(user) -> bool:
    from vigil.standards.denials import restriction_now

    officer = getattr(user, "officer", None) if getattr(user, "is_authenticated", False) else None
    return bool(officer is not None and restriction_now(officer) is not None)


_export = rules.permissions.permissions.get("vigil.export") if rules.perm_exists("vigil.export") else None
if _export is not None:
    rules.set_perm("vigil.export", _export & ~is_restricted)
