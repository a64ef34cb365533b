"""Provisioning: user accounts for officers."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from vigil.accounts.models import Officer
from vigil.core import access_log
from vigil.core.errors import InputError


@transaction.atomic
def add_user(*, username: str, officer_ref: str, password: str, actor: str = "system:user-add",
             validate: bool = True):
    User = get_user_model()
    officer = Officer.objects.filter(ref=officer_ref).first()
    if officer is None:
        raise InputError(f"officer {officer_ref!r} does not exist")
    if officer.user_id:
        raise InputError(f"officer {officer_ref!r} already has the account {officer.user.username!r}")
    if User.objects.filter(username=username).exists():
        raise InputError(f"username {username!r} is taken")
    if validate:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise InputError("password refused: " + " ".join(exc.messages)) from None
    user = User.objects.create_user(username=username, password=password)
    officer.user = user
    officer.save(update_fields=["user"])
    access_log.record(actor=actor, operation="collection", record_type="officer", record_ids=officer.ref,
                      justification="account provisioning", detail=f"user account {username} created")
    return user
