"""API tokens for integrations: random, shown once, stored as a SHA-256 hash."""
from __future__ import annotations

import hashlib
import secrets

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from vigil.accounts.models import ApiToken
from vigil.core import clock


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, user, name: str, days: int | None = 365) -> str:
    key = "vgl_" + secrets.token_urlsafe(32)
    now = clock.now()
    ApiToken.objects.create(
        user=user, name=name, prefix=key[:12], key_hash=_hash(key), created_at=now,
        expires_at=(now + clock.dt.timedelta(days=days)) if days else None,
    )
    return key


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in (b"bearer", b"token"):
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Authorization header must be 'Bearer <token>'")
        key = parts[1].decode("ascii", "replace")
        token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at=None).first()
        now = clock.now()
        if token is None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
            raise AuthenticationFailed("invalid or expired token")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"
