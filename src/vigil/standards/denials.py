"""Every professional-standards denial (domain-rules §4), registered with ``vigil.core.scope.deny``.

While an officer is restricted (``active_restriction``), they may not reach: public-protection subjects; crimes
in the restricted categories and the people who are victims of them; missing-child episodes and the children in
them (docs/adr/0202); nor, whatever their role, a professional-standards case about themselves. A denial is
never break-glassable, and the refused attempt is logged by the page that refused it.

Models of other areas are named by label and looked up when a denial is evaluated, so these work whichever
areas are installed (a denial for a model that does not exist yet denies nothing). Crimes are the exception:
professional standards reads investigations' crimes (one way: investigations never imports this area; it reads
restrictions through ``vigil.core.restrictions``), and which crimes a restriction covers comes from the shared
crime catalogue (``vigil.crimes.categories``).
"""
from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from vigil.core import clock, policy
from vigil.core.scope import deny
from vigil.crimes.categories import crimes_in_categories
from vigil.investigations.models import Crime, CrimePerson
from vigil.people.models import Person
from vigil.standards.models import OfficerCase
from vigil.standards.restrictions import active_restriction

EVERYTHING = Q(pk__isnull=False)  # an empty Q() would exclude nothing


def restriction_now(officer):
    """The officer's restriction today, remembered on the officer object for the rest of the request."""
    today = clock.today()
    cached = getattr(officer, "_vigil_restriction", None)
    if cached is None or cached[0] != today:
        cached = (today, active_restriction(officer, today))
        officer._vigil_restriction = cached
    return cached[1]


def _model(label: str, field: str | None = None):
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if field is not None:
        try:
            model._meta.get_field(field)
        except FieldDoesNotExist:
            return None
    return model


def restricted_crimes_q(restriction) -> Q:
    return crimes_in_categories(restriction.crime_categories, policy.current())


@deny("offenders.subject")
def subjects(officer):
    r = restriction_now(officer)
    return EVERYTHING if r and r.deny_subjects else None


@deny("missing.missingepisode")
def missing_episodes(officer):
    r = restriction_now(officer)
    return EVERYTHING if r and r.deny_missing_children else None


@deny("investigations.crime")
def crimes(officer):
    r = restriction_now(officer)
    return restricted_crimes_q(r) if r else None


@deny("investigations.allocation")
def allocations(officer):
    r = restriction_now(officer)
    if not r:
        return None
    return Q(crime__in=Crime.objects.filter(restricted_crimes_q(r)).values("pk"))


@deny(Person)
def people(officer):
    r = restriction_now(officer)
    if not r:
        return None
    victims = CrimePerson.objects.filter(role="victim", crime__in=Crime.objects.filter(restricted_crimes_q(r))
                                         .values("pk"))
    q = Q(pk__in=victims.values("person_id"))
    subject = _model("offenders.subject", "person")
    if r.deny_subjects and subject is not None:
        q |= Q(pk__in=subject._default_manager.values("person_id"))
    episode = _model("missing.missingepisode", "child")
    if r.deny_missing_children and episode is not None:
        q |= Q(pk__in=episode._default_manager.values("child_id"))
    return q


@deny(OfficerCase, reason="a case about yourself is not open to you")
def my_own_case(officer):
    return Q(officer_id=officer.pk)
