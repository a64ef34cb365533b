"""TOTP multi-factor authentication (django-otp): enrolment by QR code, verification, recovery codes.

Outside the demo an authenticator is enrolled only through a one-time account link (``links.py``): a password
alone never lets anyone attach a second factor to an account.
"""
from __future__ import annotations

import base64
import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def enrol_with_password_allowed() -> bool:
    """Only the demo (public synthetic logins, printed by ``vigil demo``) enrols at first sign-in with the password
    alone; everywhere else enrolment needs a one-time link (ADR 0009)."""
    return bool(getattr(settings, "VIGIL_ENROL_WITH_PASSWORD", settings.VIGIL_DEMO))


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_data_uri(device: TOTPDevice) -> str:
    img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a first code; returns fresh recovery codes, or None if the code is wrong."""
    if not device.verify_token(_clean(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return new_recovery_codes(request.user)


def confirm_device(device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment code without touching the session (the account-link page)."""
    if not device.verify_token(_clean(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def remove_devices(user) -> int:
    """Every authenticator and recovery code of the account (an MFA reset)."""
    n, _ = TOTPDevice.objects.filter(user=user).delete()
    m, _ = StaticDevice.objects.filter(user=user).delete()
    return n + m


def new_recovery_codes(user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def verify(request, token: str) -> bool:
    """Check a TOTP code or a one-time recovery code, and mark the session verified."""
    token = _clean(token)
    for device in list(TOTPDevice.objects.filter(user=request.user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=request.user, confirmed=True)
    ):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False


def verify_code_only(user, token: str) -> bool:
    """Check a code without touching the session (re-authentication before an export)."""
    token = _clean(token)
    return any(d.verify_token(token) for d in TOTPDevice.objects.filter(user=user, confirmed=True))


def _clean(token: str) -> str:
    return "".join(ch for ch in (token or "") if ch.isdigit())[:8]
