"""Synthetic offender management at the small scale: the risk mix, realistic histories, the seed's case on the
demo persona, and fresh matters for the supervisor and the inspector after the first sweep."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction

from vigil.demo.organisation import demo_logins, organisation
from vigil.demo.registry import GenerateContext
from vigil.offenders.generate import offenders
from vigil.offenders.models import Assessment, Escalation, ModePeriod, Subject, Visit
from vigil.sweep.engine import run_sweep

AS_OF = dt.date(2024, 8, 15)


@pytest.fixture
def generated(db):
    ctx = GenerateContext(scale="small", seed=7, as_of=AS_OF)
    with transaction.atomic():
        organisation(ctx)
        demo_logins(ctx)
        offenders(ctx)
    return ctx


@pytest.mark.django_db
def test_small_scale_histories_are_realistic(generated):
    assert Subject.objects.count() == 120
    assert Visit.objects.count() > 1000
    outcomes = Counter(Visit.objects.values_list("outcome", flat=True))
    assert 0.75 < outcomes["seen_at_home"] / sum(outcomes.values()) < 0.95
    assert outcomes["no_reply"] > outcomes["refused_entry"] > 0
    assert not Visit.objects.filter(date__gt=AS_OF).exists()
    assert not [v for v in Visit.objects.select_related("subject") if v.date < v.subject.managed_from]
    assert ModePeriod.objects.filter(mode__in=("custody", "hospital", "abroad")).exists()
    assert Subject.objects.filter(kind="suspect").exists()
    assert Assessment.objects.filter(tools__tool="static99r", tools__calculated=True).exists()


@pytest.mark.django_db
def test_the_seed_case_is_on_the_demo_persona_and_the_first_sweep_raises_it(generated):
    s = Subject.objects.get(person__surname="Ellery", person__given_names="Mark")
    assert s.manager.user.username == "om"
    seen = s.visits.filter(outcome="seen_at_home").order_by("-date").first()
    assert seen.date == dt.date(2017, 3, 2)
    assert list(s.visits.filter(date__gt=seen.date).order_by("date").values_list("date", "outcome")) == [
        (dt.date(2019, 10, 28), "no_reply"), (dt.date(2019, 11, 4), "refused_entry")]
    assert not Escalation.objects.filter(subject=s).exists()
    findings, _ = run_sweep(AS_OF)
    mine = {f.code: f for f in findings if f.entity_id == s.ref}
    assert mine["VISIT_OVERDUE"].severity == "critical"
    assert mine["S96B_WARRANT_CONSIDERATION"].since == dt.date(2019, 11, 4)
    owners = {e.kind: e.owner.user.username for e in Escalation.objects.filter(subject=s).select_related("owner__user")}
    assert owners == {"S96B_WARRANT_CONSIDERATION": "di", "VISIT_OVERDUE": "ds"}


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data(db):
    def make():
        ctx = GenerateContext(scale="small", seed=3, as_of=AS_OF)
        with transaction.atomic():
            organisation(ctx)
            demo_logins(ctx)
            offenders(ctx)
        rows = sorted(Visit.objects.values_list("subject__ref", "date", "outcome", "announced"))
        with transaction.atomic():
            for model in (Visit, Assessment, Escalation):
                model.objects.all().delete()
        return rows

    first = make()
    from django.contrib.auth import get_user_model

    from vigil.accounts.models import Borough, Officer, OfficerRole, Specialism, Team
    from vigil.offenders.models import AnnouncementApproval, NotificationRecord
    from vigil.people.models import Person

    for model in (AnnouncementApproval, NotificationRecord, ModePeriod, Subject, Person, Specialism, OfficerRole,
                  Officer, Team, Borough):
        model.objects.all().delete()
    get_user_model().objects.all().delete()
    assert make() == first
