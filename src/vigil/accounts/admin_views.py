"""Account administration for administrators: who has an account, its state and roles; MFA resets, disable and
enable; role changes, where a powerful role waits for a second administrator (four eyes); teams."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.accounts import links, mfa, services
from vigil.accounts.forms import MoveOfficerForm, NewUserForm, RolesForm, TeamForm
from vigil.accounts.models import (
    POWERFUL_ROLES,
    MfaResetRequest,
    Officer,
    RequestStatus,
    RoleChangeRequest,
    Team,
)
from vigil.accounts.services import JUSTIFICATION
from vigil.core import access_log
from vigil.core.errors import InputError
from vigil.web.actions import input_error

_admin = [login_required, permission_required("vigil.administer", raise_exception=True)]


def administrators_only(view):
    for deco in reversed(_admin):
        view = deco(view)
    return view


def _pending():
    return {
        "mfa_requests": MfaResetRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("user", "user__officer"),
        "role_requests": RoleChangeRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("officer", "officer__user", "requested_by"),
    }


@administrators_only
@require_GET
def users(request):
    return _users_page(request)


def _users_page(request, error: str = "", status: int = 200):
    accounts = (get_user_model().objects.select_related("officer", "officer__team").order_by("username"))
    q = request.GET.get("q", "").strip()[:150]
    if q:
        accounts = accounts.filter(username__icontains=q) | accounts.filter(officer__name__icontains=q) \
            | accounts.filter(officer__ref__iexact=q)
    return render(request, "accounts/users.html", {"accounts": accounts[:200], "q": q, "error": error,
                                                   "powerful": sorted(POWERFUL_ROLES), **_pending()}, status=status)


def _user_page(request, username: str, *, error: str = "", link: str = "", notice: str = "", status: int = 200,
               form=None):
    user = services.get_user(username)
    officer = getattr(user, "officer", None)
    roles = sorted(officer.role_names) if officer else []
    form = form or RolesForm(initial={"roles": roles})
    return render(request, "accounts/user.html", {
        "account": user, "account_officer": officer, "roles": roles, "form": form, "error": error, "link": link,
        "notice": notice,
        "has_device": mfa.has_confirmed_device(user), "is_self": user.pk == request.user.pk,
        "role_requests": RoleChangeRequest.objects.filter(officer=officer).select_related("requested_by",
                                                                                          "decided_by")[:20]
        if officer else [],
        "mfa_requests": MfaResetRequest.objects.filter(user=user).select_related("decided_by")[:20],
    }, status=status)


@administrators_only
@require_GET
def user(request, username: str):
    try:
        resp = _user_page(request, username)
    except InputError as exc:
        return _users_page(request, error=str(exc), status=404)
    access_log.record(actor=request.user, operation="consultation", record_type="user", record_ids=username,
                      justification="account administration", detail="account page opened")
    return resp


def _absolute(request, token: str) -> str:
    return request.build_absolute_uri(links.path_for(token))


@administrators_only
@require_http_methods(["GET", "POST"])
def user_new(request):
    """Add an account for an officer: it starts with a one-time link, shown once, through which they set their
    password and enrol their authenticator (the administrator hands it over; nobody else learns a password)."""
    form = NewUserForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, token = services.add_user(username=d["username"].strip(), officer_ref=d["officer"],
                                            email=d["email"], actor=request.user)
        except InputError as exc:
            input_error(form, exc)
        else:
            return _user_page(request, user.username, link=_absolute(request, token),
                              notice="The account is created. Give the officer the one-time link below.")
    return render(request, "accounts/user_new.html", {"form": form}, status=400 if form.errors else 200)


@administrators_only
@require_POST
def user_action(request, username: str, action: str):
    try:
        services.get_user(username)
    except InputError as exc:
        return _users_page(request, error=str(exc), status=404)
    try:
        if action == "disable":
            services.set_active(request.user, username, False)
            return _user_page(request, username, notice="The account is disabled: its sessions, API tokens and "
                                                        "open links stopped working.")
        if action == "enable":
            services.set_active(request.user, username, True)
            return _user_page(request, username, notice="The account is enabled.")
        if action == "reset-mfa":
            token = services.reset_mfa(request.user, username)
            return _user_page(request, username, link=_absolute(request, token))
        if action == "roles":
            form = RolesForm(request.POST)
            if not form.is_valid():
                return _user_page(request, username, error="Choose roles from the list.", form=form, status=400)
            change = services.set_roles(request.user, username, form.cleaned_data["roles"])
            if change.applied:
                return _user_page(request, username, notice="The roles are changed.")
            return _user_page(request, username, notice=f"Role change #{change.request.pk} is waiting for a second "
                                                        "administrator to approve it.")
    except InputError as exc:
        return _user_page(request, username, error=str(exc), status=400)
    return _user_page(request, username, error="That is not an action on an account.", status=404)


def _decision(request) -> bool | None:
    return {"approve": True, "refuse": False}.get(request.POST.get("decision", ""))


@administrators_only
@require_POST
def mfa_request(request, pk: int):
    approve = _decision(request)
    if approve is None:
        return _users_page(request, error="Choose approve or refuse.", status=400)
    try:
        req, token = services.decide_mfa_reset(request.user, pk, approve=approve)
    except InputError as exc:
        return _users_page(request, error=str(exc), status=400)
    return _user_page(request, req.user.get_username(), link=_absolute(request, token) if token else "",
                      notice=f"MFA reset request #{req.pk} is {req.status}.")


@administrators_only
@require_POST
def role_request(request, pk: int):
    approve = _decision(request)
    if approve is None:
        return _users_page(request, error="Choose approve or refuse.", status=400)
    try:
        req = services.decide_role_change(request.user, pk, approve=approve)
    except InputError as exc:
        return _users_page(request, error=str(exc), status=400)
    if req.officer.user_id:
        return _user_page(request, req.officer.user.get_username(), notice=f"Role change #{req.pk} is {req.status}.")
    return _users_page(request)


def _teams_page(request, *, form=None, status=200):
    teams = (Team.objects.select_related("borough")
             .annotate(members=Count("officers", filter=Q(officers__active=True)))
             .order_by("name"))
    q = request.GET.get("q", "").strip()[:100]
    if q:
        teams = teams.filter(name__icontains=q)
    return render(request, "accounts/teams.html", {"teams": teams, "q": q, "form": form or TeamForm()},
                  status=status)


@administrators_only
@require_http_methods(["GET", "POST"])
def teams(request):
    """Every team, how many officers are in it, and adding a team."""
    if request.method == "GET":
        return _teams_page(request)
    form = TeamForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            team = services.add_team(request.user, name=d["name"], kind=d["kind"], borough=d["borough"])
        except InputError as exc:
            input_error(form, exc)
        else:
            messages.success(request, f"Team {team.name} added.")
            return redirect("account_team", ref=team.ref)
    return _teams_page(request, form=form, status=400)


@administrators_only
@require_http_methods(["GET", "POST"])
def team(request, ref: str):
    """A team's officers, and moving an officer into it with a reason."""
    found = Team.objects.select_related("borough").filter(ref=ref).first()
    if found is None:
        return _teams_page(request, status=404)
    form = MoveOfficerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moved, left = services.move_officer(request.user, officer_ref=form.cleaned_data["officer"], team=found,
                                                reason=form.cleaned_data["reason"])
        except InputError as exc:
            input_error(form, exc)
        else:
            messages.success(request, f"{moved.titled} moved from {left.name} to {found.name}. What they hold "
                                      "(caseload, tasks, crimes) stays with them until it is reassigned.")
            return redirect("account_team", ref=found.ref)
    officers = (Officer.objects.filter(team=found).select_related("user").prefetch_related("roles")
                .order_by("-active", "name"))
    access_log.record(actor=request.user, operation="consultation", record_type="team", record_ids=found.ref,
                      justification=JUSTIFICATION, detail="team page opened")
    return render(request, "accounts/team.html", {"team": found, "officers": officers, "form": form},
                  status=400 if form.errors else 200)
