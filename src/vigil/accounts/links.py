"""One-time account links: activation (set the password and enrol the authenticator together) and enrolment
(re-enrol after an approved reset; the password is checked on the page).

The token is 256 random bits, shown once (printed by the command line or shown to the approving administrator)
and stored only as a SHA-256 hash. A link works once, for ``LINK_HOURS``; issuing a new link for an account
revokes any earlier one that is still open.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from vigil.accounts.models import AccountLink, LinkPurpose
from vigil.core import clock

LINK_HOURS = 72
PATH = "/accounts/activate/{token}/"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue(user, purpose: str, *, issued_by: str) -> str:
    """Create a link for ``user``; returns the token (the only time it exists in clear)."""
    if purpose not in LinkPurpose.values:
        raise ValueError(f"unknown link purpose {purpose!r}")
    now = clock.now()
    AccountLink.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    AccountLink.objects.create(user=user, purpose=purpose, token_hash=_hash(token), issued_by=issued_by[:150],
                               created_at=now, expires_at=now + dt.timedelta(hours=LINK_HOURS))
    return token


def path_for(token: str, base_url: str = "") -> str:
    return base_url.rstrip("/") + PATH.format(token=token)


def find(token: str) -> AccountLink | None:
    """The open link for this token, or None if it is unknown, altered, used, revoked or expired."""
    if not token or len(token) > 100:
        return None
    link = AccountLink.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if link is None or not is_open(link):
        return None
    return link


def is_open(link: AccountLink) -> bool:
    return (link.used_at is None and link.revoked_at is None and link.expires_at > clock.now()
            and link.user.is_active)


def revoke_open(user) -> int:
    return AccountLink.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=clock.now())
