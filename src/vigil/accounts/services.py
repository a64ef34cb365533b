"""Accounts: provisioning, one-time links, password change, MFA resets, disabling, role changes with four eyes,
and teams (adding one, moving an officer into one).

Every change writes an access-log entry (record type ``user``) and never the password or a token. Bad input
raises ``InputError`` before anything is changed. ``actor`` is the signed-in ``User`` (web, or ``--by`` on the
command line) or a ``"system:..."`` string for the command line's operator.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from vigil.accounts import links, mfa
from vigil.accounts.models import (
    POWERFUL_ROLES,
    AccountLink,
    Borough,
    LinkPurpose,
    MfaResetRequest,
    Officer,
    OfficerRole,
    RequestStatus,
    Role,
    RoleChangeRequest,
    Team,
)
from vigil.core import access_log, clock
from vigil.core.errors import InputError, Superseded

JUSTIFICATION = "account administration"


def _log(actor, username: str, detail: str, outcome: str = "allowed") -> None:
    access_log.record(actor=actor, operation="alteration", record_type="user", record_ids=username,
                      justification=JUSTIFICATION, detail=detail, outcome=outcome)


def _name(actor) -> str:
    return actor if isinstance(actor, str) else actor.get_username()


def _is_admin(user) -> bool:
    officer = getattr(user, "officer", None)
    return bool(user.is_active and officer and officer.active
                and OfficerRole.objects.filter(officer=officer, role=Role.ADMINISTRATOR).exists())


def _require_admin(actor) -> None:
    """The command line's operator (a system string) holds the database already; a person must be an active
    administrator."""
    if not isinstance(actor, str) and not _is_admin(actor):
        raise InputError(f"{actor.get_username()!r} is not an active administrator")


def _is_self(actor, user) -> bool:
    return not isinstance(actor, str) and actor.pk == user.pk


def get_user(username: str):
    user = get_user_model().objects.select_related("officer").filter(username=username).first()
    if user is None:
        raise InputError(f"no user {username!r}")
    return user


def admin_user(username: str):
    """The administrator named by ``--by`` on the command line."""
    user = get_user(username)
    _require_admin(user)
    return user


def end_sessions(user, keep: str | None = None) -> int:
    """Sign the account out everywhere (except the session key ``keep``)."""
    ended = 0
    for s in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if s.session_key != keep and str(s.get_decoded().get("_auth_user_id")) == str(user.pk):
            s.delete()
            ended += 1
    return ended


# --- provisioning and links ------------------------------------------------------------------------------------

def add_user(*, username: str, officer_ref: str, password: str | None = None, actor: str = "system:user-add",
             validate: bool = True, email: str = ""):
    """A login for an officer. Returns ``(user, token)``: the token of the one-time link through which they set
    their password (when none is given) and enrol their authenticator."""
    User = get_user_model()
    if not username or len(username) > 150:
        raise InputError("a username is 1 to 150 characters")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InputError(f"username {username!r} may contain only letters, digits and @ . + - _") from None
    officer = Officer.objects.filter(ref=officer_ref).first()
    if officer is None:
        raise InputError(f"officer {officer_ref!r} does not exist")
    if officer.user_id:
        raise InputError(f"officer {officer_ref!r} already has the account {officer.user.username!r}")
    if User.objects.filter(username=username).exists():
        raise InputError(f"username {username!r} is taken")
    if password is not None and validate:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            raise InputError("password refused: " + " ".join(exc.messages)) from None
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InputError(f"{email[:80]!r} is not an email address") from None
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email)  # None: unusable
        officer.user = user
        officer.save(update_fields=["user"])
        purpose = LinkPurpose.ACTIVATE if password is None else LinkPurpose.ENROL
        token = links.issue(user, purpose, issued_by=_name(actor))
        access_log.record(actor=actor, operation="collection", record_type="officer", record_ids=officer.ref,
                          justification="account provisioning", detail=f"user account {username} created")
        _log(actor, username, f"one-time {purpose} link issued (valid {links.LINK_HOURS} hours)")
    return user, token


def issue_link(actor, user, purpose: str) -> str:
    """A fresh one-time link for an account (replacing any open one), logged; returns its token."""
    with transaction.atomic():
        token = links.issue(user, purpose, issued_by=_name(actor))
        _log(actor, user.get_username(), f"one-time {purpose} link issued (valid {links.LINK_HOURS} hours)")
    return token


@dataclass
class LinkResult:
    user: object
    recovery_codes: list[str]
    device: object


def complete_link(request, link: AccountLink, *, code: str, new_password: str = "", confirm_password: str = "",
                  current_password: str = "") -> LinkResult:
    """Use a one-time link: set the password (activation) or check it (enrolment), and confirm the pending
    authenticator with its first code, together. Raises InputError with {field: message} in ``problems``."""
    user = link.user
    problems: dict[str, str] = {}
    if link.purpose == LinkPurpose.ACTIVATE:
        if not new_password:
            problems.setdefault("new_password", "Enter a password.")
        elif new_password != confirm_password:
            problems.setdefault("confirm_password", "The two passwords are not the same.")
        else:
            try:
                validate_password(new_password, user)
            except ValidationError as exc:
                problems.setdefault("new_password", " ".join(exc.messages))
    else:
        if authenticate(request, username=user.get_username(), password=current_password) is None:
            problems.setdefault("current_password", "That is not your password.")
    device = mfa.pending_device(user)
    if not problems and not device.verify_token(mfa._clean(code)):
        problems.setdefault("code", "That code is not right. Check the time on your device and try the newest code.")
    if problems:
        err = InputError("; ".join(problems.values()))
        err.fields = problems
        raise err
    with transaction.atomic():
        fresh = AccountLink.objects.select_for_update().select_related("user").get(pk=link.pk)
        if not links.is_open(fresh):
            raise InputError("This link has already been used or has expired.")
        if link.purpose == LinkPurpose.ACTIVATE:
            user.set_password(new_password)
            user.save(update_fields=["password"])
        from django_otp.plugins.otp_totp.models import TOTPDevice
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = mfa.new_recovery_codes(user)
        fresh.used_at = clock.now()
        fresh.save(update_fields=["used_at"])
        what = "password set and authenticator enrolled" if link.purpose == LinkPurpose.ACTIVATE \
            else "authenticator enrolled"
        _log(user, user.get_username(), f"one-time {link.purpose} link #{link.pk} used: {what}")
    return LinkResult(user, codes, device)


# --- password change ------------------------------------------------------------------------------------------

def change_password(request, *, current_password: str, code: str, new_password: str, confirm_password: str,
                    need_code: bool = True) -> None:
    user = request.user
    problems: dict[str, str] = {}
    if authenticate(request, username=user.get_username(), password=current_password) is None:
        problems.setdefault("current_password", "That is not your current password.")
    if need_code and not mfa.verify_code_only(user, code):
        problems.setdefault("code", "That code is not right or has expired. Try the newest code.")
    if not new_password:
        problems.setdefault("new_password", "Enter a new password.")
    elif new_password != confirm_password:
        problems.setdefault("confirm_password", "The two new passwords are not the same.")
    elif new_password == current_password:
        problems.setdefault("new_password", "The new password must be different from the current one.")
    else:
        try:
            validate_password(new_password, user)
        except ValidationError as exc:
            problems.setdefault("new_password", " ".join(exc.messages))
    if problems:
        err = InputError("; ".join(problems.values()))
        err.fields = problems
        raise err
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _log(user, user.get_username(), "password changed by its owner; other sessions signed out")
    end_sessions(user, keep=request.session.session_key)


# --- lost authenticator and MFA resets --------------------------------------------------------------------------

def request_mfa_reset(request, *, username: str, password: str) -> MfaResetRequest:
    """A signed-out user who has lost their authenticator asks for a reset (their password proves who they are;
    sign-in throttling counts wrong passwords here too)."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise InputError("Too many failed attempts. Try again in 30 minutes or contact your administrator.")
    if user is None:
        raise InputError("The username or password is not right.")
    existing = MfaResetRequest.objects.filter(user=user, status=RequestStatus.PENDING).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            req = MfaResetRequest.objects.create(user=user, requested_at=clock.now())
            _log(user, user.get_username(), f"MFA reset #{req.pk} requested (lost authenticator); "
                                            "waiting for an administrator")
    except IntegrityError:  # asked twice at once
        return MfaResetRequest.objects.get(user=user, status=RequestStatus.PENDING)
    return req


def _reset(actor, user, detail: str) -> str:
    mfa.remove_devices(user)
    token = links.issue(user, LinkPurpose.ENROL, issued_by=_name(actor))
    _log(actor, user.get_username(), f"{detail}; authenticator and recovery codes removed; one-time enrol link "
                                     f"issued (valid {links.LINK_HOURS} hours)")
    return token


def reset_mfa(actor, username: str) -> str:
    """An administrator removes a user's authenticator; returns the one-time enrol link's token."""
    _require_admin(actor)
    user = get_user(username)
    if _is_self(actor, user):
        _log(actor, username, "MFA reset of one's own account refused", outcome="refused")
        raise InputError("you cannot reset your own authenticator; another administrator must do it")
    if not user.has_usable_password():
        raise InputError(f"{username!r} has no password yet (never activated, or reactivated): an enrol link would "
                         f"not work; issue a new activation link with 'vigil user reactivate {username}'")
    with transaction.atomic():
        now = clock.now()
        pending = list(MfaResetRequest.objects.select_for_update().filter(user=user, status=RequestStatus.PENDING))
        for req in pending:
            req.status, req.decided_at = RequestStatus.APPROVED, now
            req.decided_by = None if isinstance(actor, str) else actor
            req.save(update_fields=["status", "decided_at", "decided_by"])
        token = _reset(actor, user, "MFA reset by an administrator"
                       + (f" (answers request #{pending[0].pk})" if pending else ""))
    end_sessions(user)
    return token


def reactivate(actor, username: str) -> str:
    """A forgotten password: the account's password and authenticator are cleared and a new activation link is
    issued. Command line only (its operator already holds the database): in the web app a single administrator
    who saw the link could take the account over."""
    if not isinstance(actor, str):
        raise InputError("a new activation link is issued on the command line only (vigil user reactivate)")
    user = get_user(username)
    if not user.is_active:
        raise InputError(f"{username!r} is disabled; enable it first")
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        mfa.remove_devices(user)
        MfaResetRequest.objects.filter(user=user, status=RequestStatus.PENDING).update(
            status=RequestStatus.APPROVED, decided_at=clock.now())
        token = links.issue(user, LinkPurpose.ACTIVATE, issued_by=_name(actor))
        _log(actor, username, "password cleared, authenticator and recovery codes removed; one-time activation "
                              f"link issued (valid {links.LINK_HOURS} hours)")
    end_sessions(user)
    return token


def decide_mfa_reset(actor, request_id: int, *, approve: bool) -> tuple[MfaResetRequest, str | None]:
    """Approve (returns the enrol link's token) or refuse a lost-authenticator request. Nobody approves their
    own."""
    _require_admin(actor)
    req = MfaResetRequest.objects.select_related("user").filter(pk=request_id).first()
    if req is None:
        raise InputError(f"there is no MFA reset request #{request_id}")
    if req.status != RequestStatus.PENDING:
        raise Superseded(_already(req, "MFA reset request"))
    if approve and _is_self(actor, req.user):
        _log(actor, req.user.get_username(), f"approval of one's own MFA reset #{req.pk} refused", outcome="refused")
        raise InputError("you cannot approve your own request; another administrator must")
    token = None
    with transaction.atomic():
        locked = MfaResetRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.PENDING:
            raise Superseded(_already(locked, "MFA reset request"))
        locked.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        locked.decided_at = clock.now()
        locked.decided_by = None if isinstance(actor, str) else actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            token = _reset(actor, req.user, f"MFA reset #{req.pk} approved")
        else:
            _log(actor, req.user.get_username(), f"MFA reset #{req.pk} refused by an administrator")
    if approve:
        end_sessions(req.user)
    return locked, token


# --- disable and enable ---------------------------------------------------------------------------------------

def set_active(actor, username: str, active: bool):
    _require_admin(actor)
    user = get_user(username)
    if _is_self(actor, user):
        raise InputError(f"you cannot {'enable' if active else 'disable'} your own account")
    if user.is_active == active:
        raise InputError(f"{username!r} is already {'enabled' if active else 'disabled'}")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            links.revoke_open(user)
        _log(actor, username, "account enabled" if active else
             "account disabled: sessions, API tokens and open links stop working")
    if not active:
        end_sessions(user)
    return user


# --- roles, with four eyes --------------------------------------------------------------------------------------

@dataclass
class RoleChange:
    applied: bool
    request: RoleChangeRequest | None
    granted: list[str]
    removed: list[str]


def _roles_of(officer) -> set[str]:
    return set(OfficerRole.objects.filter(officer=officer).values_list("role", flat=True))


def _apply_roles(officer, roles: set[str]) -> None:
    OfficerRole.objects.filter(officer=officer).exclude(role__in=roles).delete()
    have = _roles_of(officer)
    OfficerRole.objects.bulk_create([OfficerRole(officer=officer, role=r) for r in sorted(roles - have)])
    officer.__dict__.pop("_role_cache", None)


def _describe(granted, removed) -> str:
    parts = []
    if granted:
        parts.append("grant " + ", ".join(granted))
    if removed:
        parts.append("remove " + ", ".join(removed))
    return "; ".join(parts)


def set_roles(actor, username: str, roles) -> RoleChange:
    """Give an officer exactly ``roles``. Granting professional standards, auditor or administrator, or any role
    to oneself, waits for a second administrator (``decide_role_change``); anything else applies at once."""
    _require_admin(actor)
    wanted = [r.strip() for r in roles if r and r.strip()]
    unknown = [r for r in wanted if r not in Role.values]
    if unknown:
        raise InputError(f"unknown role {unknown[0]!r}; roles are: {', '.join(Role.values)}")
    user = get_user(username)
    officer = getattr(user, "officer", None)
    if officer is None:
        raise InputError(f"{username!r} is not linked to an officer")
    current, new = _roles_of(officer), set(wanted)
    if new == current:
        raise InputError(f"{username!r} already has exactly these roles; nothing to change")
    granted, removed = sorted(new - current), sorted(current - new)
    if Role.ADMINISTRATOR in removed:
        others = OfficerRole.objects.filter(role=Role.ADMINISTRATOR, officer__active=True,
                                            officer__user__is_active=True).exclude(officer=officer)
        if not others.exists():
            raise InputError("this would leave no active administrator; give another account the role first")
    needs_second = bool(set(granted) & POWERFUL_ROLES) or (bool(granted) and _is_self(actor, user))
    if not needs_second:
        with transaction.atomic():
            _apply_roles(officer, new)
            _log(actor, username, f"roles changed: {_describe(granted, removed)}")
        return RoleChange(True, None, granted, removed)
    if RoleChangeRequest.objects.filter(officer=officer, status=RequestStatus.PENDING).exists():
        pending = RoleChangeRequest.objects.get(officer=officer, status=RequestStatus.PENDING)
        raise InputError(f"role change #{pending.pk} for {username!r} is already waiting for approval; "
                         "approve or refuse it first")
    try:
        with transaction.atomic():
            req = RoleChangeRequest.objects.create(
                officer=officer, roles_before=sorted(current), roles_after=sorted(new),
                requested_by=None if isinstance(actor, str) else actor, requested_by_name=_name(actor),
                requested_at=clock.now())
            _log(actor, username, f"role change #{req.pk} requested ({_describe(granted, removed)}); "
                                  "waiting for a second administrator")
    except IntegrityError:
        raise InputError(f"a role change for {username!r} is already waiting for approval") from None
    return RoleChange(False, req, granted, removed)


def _already(req, what: str) -> str:
    """A four-eyes request someone else decided: who and when, in one line."""
    user = req.decided_by
    officer = getattr(user, "officer", None) if user is not None else None
    who = officer.name if officer is not None else (user.get_username() if user is not None else "the command line")
    when = f" at {clock.said(req.decided_at)}" if req.decided_at else ""
    return f"{what} #{req.pk} was already {req.status} by {who}{when}"


def decide_role_change(actor, request_id: int, *, approve: bool) -> RoleChangeRequest:
    """A second administrator approves or refuses a pending role change. The requester cannot approve it, and
    nobody approves a change to their own roles."""
    if isinstance(actor, str):
        raise InputError("a role change is approved by a named administrator (--by ADMIN)")
    _require_admin(actor)
    req = RoleChangeRequest.objects.select_related("officer", "officer__user").filter(pk=request_id).first()
    if req is None:
        raise InputError(f"there is no role change request #{request_id}")
    if req.status != RequestStatus.PENDING:
        raise Superseded(_already(req, "role change"))
    target = req.officer.user
    target_name = target.get_username() if target else f"officer:{req.officer.ref}"
    if approve and req.requested_by_id == actor.pk:
        _log(actor, target_name, f"approval of role change #{req.pk} by its own requester refused",
             outcome="refused")
        raise InputError("you asked for this change; a second administrator must approve it")
    if approve and target is not None and target.pk == actor.pk:
        _log(actor, target_name, f"approval of role change #{req.pk} to one's own roles refused", outcome="refused")
        raise InputError("this change is to your own roles; another administrator must approve it")
    if approve and _roles_of(req.officer) != set(req.roles_before):
        raise InputError(f"{target_name!r}'s roles have changed since request #{req.pk} was made; "
                         "refuse it and ask again")
    with transaction.atomic():
        locked = RoleChangeRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != RequestStatus.PENDING:
            raise Superseded(_already(locked, "role change"))
        locked.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        locked.decided_by, locked.decided_at = actor, clock.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        what = _describe(locked.granted, locked.removed)
        if approve:
            _apply_roles(req.officer, set(locked.roles_after))
            _log(actor, target_name, f"role change #{req.pk} approved by a second administrator "
                                     f"(asked by {req.requested_by_name}): {what}")
        else:
            _log(actor, target_name, f"role change #{req.pk} refused ({what})")
    return locked


# Teams: an administrator adds a team and moves officers between teams. A team decides whose work an officer sees
# (core/scope.py), so a move is logged with its reason; what the officer holds (caseload, tasks, crimes) stays
# with them until someone reassigns it, and the page says so.

def add_team(actor, *, name: str, kind: str, borough: Borough | None = None) -> Team:
    _require_admin(actor)
    name = " ".join(name.split())
    if not name:
        raise InputError("a team needs a name", field="name")
    if Team.objects.filter(name__iexact=name).exists():
        raise InputError(f"there is already a team called “{name[:80]}”", field="name")
    base = slugify(name)[:56] or "team"
    ref, n = base, 1
    while Team.objects.filter(ref=ref).exists():
        n += 1
        ref = f"{base}-{n}"
    team = Team.objects.create(ref=ref, name=name, kind=kind, borough=borough)
    access_log.record(actor=actor, operation="alteration", record_type="team", record_ids=team.ref,
                      justification=JUSTIFICATION, detail=f"team added: {name} ({team.get_kind_display()})")
    return team


@transaction.atomic
def move_officer(actor, *, officer_ref: str, team: Team, reason: str) -> tuple[Officer, Team]:
    """Move an officer into ``team``; returns the officer and the team they left."""
    _require_admin(actor)
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise InputError("say why the officer moves: it is kept in the access log", field="reason")
    officer = Officer.objects.select_for_update().select_related("team").filter(ref=officer_ref).first()
    if officer is None:
        raise InputError(f"no officer {officer_ref[:60]!r}", field="officer")
    if officer.team_id == team.pk:
        raise InputError(f"{officer.titled} is already in {team.name}", field="officer")
    left = officer.team
    officer.team = team
    officer.save(update_fields=["team"])
    access_log.record(actor=actor, operation="alteration", record_type="officer", record_ids=officer.ref,
                      justification=reason[:500], detail=f"moved from team {left.ref} to team {team.ref}")
    return officer, left
