"""Test data builders: a small organisation with one officer per role, in two boroughs, plus people.

Plain functions rather than a factory library: each returns real model rows, so a test reads like the domain.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.models import Borough, Officer, OfficerRole, Specialism, Team
from vigil.people.addresses import match_key
from vigil.people.models import Address, Alias, Person

PASSWORD = "correct-horse-battery-staple"
_counter = {"officer": 0, "person": 0}


def team(ref: str, kind: str = "offender_management", borough: str = "Central West", name: str | None = None) -> Team:
    b, _ = Borough.objects.get_or_create(name=borough)
    return Team.objects.create(ref=ref, name=name or f"{borough} {kind}", kind=kind, borough=b)


def officer(team: Team, *, roles=(), rank: str = "DC", pip: int = 2, student: bool = False,
            joined: dt.date = dt.date(2015, 1, 1), specialisms=(), ref: str | None = None, username: str | None = None,
            name: str | None = None) -> Officer:
    _counter["officer"] += 1
    ref = ref or f"O{_counter['officer']:04d}"
    o = Officer.objects.create(ref=ref, name=name or f"{rank} Test {ref}", rank=rank, team=team, joined=joined,
                               pip_level=pip, student_officer=student)
    for r in roles:
        OfficerRole.objects.create(officer=o, role=r)
    for s in specialisms:
        name_, expires = (s, dt.date(2099, 1, 1)) if isinstance(s, str) else s
        Specialism.objects.create(officer=o, name=name_, expires=expires)
    if username:
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        o.user = user
        o.save(update_fields=["user"])
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return o


def person(ref: str | None = None, *, given: str = "Alex", surname: str = "Example", team: Team | None = None,
           dob: dt.date | None = dt.date(1980, 1, 1), sex: str = "male", address: dict | None = None,
           aliases=()) -> Person:
    _counter["person"] += 1
    p = Person.objects.create(ref=ref or f"P{_counter['person']:05d}", given_names=given, surname=surname,
                              date_of_birth=dob, sex=sex, team=team)
    if address:
        Address.objects.create(person=p, line1=address["line1"], town=address.get("town", ""),
                               postcode=address.get("postcode", ""), kind=address.get("kind", "home"),
                               match_key=match_key(address["line1"], "", address.get("town", ""),
                                                   address.get("postcode", "")))
    for g, s in aliases:
        Alias.objects.create(person=p, given_names=g, surname=s)
    return p


def totp_now(user) -> str:
    """The code an authenticator app would show now."""
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{t.token():0{device.digits}d}"


def verified_login(client, user) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@dataclass
class Org:
    """Two boroughs; in the first, one officer per role with a login named after the role."""

    teams: dict[str, Team] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)

    def user(self, key: str):
        return self.officers[key].user


ROLE_LOGINS = {
    # key: (team key, rank, roles)
    "offender_manager": ("om", "DC", ["offender_manager"]),
    "supervisor": ("om", "DS", ["supervisor"]),
    "senior_officer": ("om", "DI", ["senior_officer", "supervisor"]),
    "investigator": ("cid", "DC", ["investigator"]),
    "allocation_manager": ("cid", "DS", ["allocation_manager", "supervisor"]),
    "missing_persons_coordinator": ("mp", "PC", ["missing_persons_coordinator"]),
    "exploitation_analyst": ("ex", "staff", ["exploitation_analyst"]),
    "professional_standards": ("psd", "DI", ["professional_standards"]),
    "auditor": ("adm", "staff", ["auditor"]),
    "administrator": ("adm", "staff", ["administrator"]),
    "information_manager": ("adm", "staff", ["information_manager"]),
    "other_team_offender_manager": ("om2", "DC", ["offender_manager"]),
}


def build_org() -> Org:
    o = Org()
    o.teams["om"] = team("T-OM1", "offender_management", "Central West", "Central West MOSOVO")
    o.teams["cid"] = team("T-CID1", "investigation", "Central West", "Central West CID")
    o.teams["mp"] = team("T-MP1", "missing_persons", "Central West", "Central West Missing Persons")
    o.teams["ex"] = team("T-EX1", "exploitation", "Central West", "Central West Exploitation Hub")
    o.teams["psd"] = team("T-PSD", "professional_standards", "Force", "Professional Standards")
    o.teams["adm"] = team("T-ADM", "other", "Force", "Public Protection Command")
    o.teams["om2"] = team("T-OM2", "offender_management", "South East", "South East MOSOVO")
    for key, (team_key, rank, roles) in ROLE_LOGINS.items():
        o.officers[key] = officer(o.teams[team_key], roles=roles, rank=rank, username=key,
                                  name=f"{rank} {key.replace('_', ' ').title()}")
    return o
