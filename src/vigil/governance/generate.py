"""Synthetic information-governance records for the demo: retention reviews already recorded (most subjects
managed for over ten years were reviewed and retained; a few old group 3 records were decided for disposal and
wait for a second person's approval), a few subject access requests (one past its month), disclosures of subjects
to partner agencies, and a restriction of processing. Written through the services, so each is in the access log
as it would be in use."""
from __future__ import annotations

import datetime as dt

from vigil.accounts.models import Officer
from vigil.core import policy
from vigil.demo.registry import GenerateContext, generator
from vigil.governance import disclosures, retention, subject_access
from vigil.governance.models import RetentionReview
from vigil.offenders.models import Subject
from vigil.people.models import Person

ACTOR = "system:generate"
RETAIN = ["still managed; the risk assessment remains current", "managed subject: the record is adequate and needed",
          "notification requirements continue; retain"]
RECIPIENTS = [("probation", "Probation service, offender manager for the area", "DPA 2018 s.35; MAPPA (CJA 2003 s.325)",
               "the current risk level and the date of the last home visit"),
              ("childrens_social_care", "Children's social care, front door", "DPA 2018 s.35; Children Act 2004 s.11",
               "that children visit the household, and the subject's conditions"),
              ("safeguarding_hub", "Multi-agency safeguarding hub", "DPA 2018 s.35; Working Together 2023",
               "the management record summary for a strategy discussion")]


@generator("governance", order=97)
def governance(ctx: GenerateContext) -> None:
    rng = ctx.rng("governance")
    as_of = ctx.as_of
    reviewer = Officer.objects.filter(roles__role="information_manager").order_by("pk").first()
    standings = retention.standings(as_of)
    pol = policy.current()
    advance = ctx.task("information governance", len(standings))
    reviews = []
    for s in sorted(standings.values(), key=lambda s: s.ref):
        advance()
        due = s.due_on(pol)
        if due is None or due >= as_of:
            continue
        if s.group == 1 and rng.random() < 0.6:  # reviewed when due, and retained
            reviews.append(RetentionReview(
                person_id=s.pk, person_ref=s.ref, group=1, reviewed_on=due, decision="retain",
                rationale=rng.choice(RETAIN), next_review_on=retention.years_after(due, 10), reviewer=reviewer,
                recorded_by=ACTOR, recorded_at=dt.datetime.combine(due, dt.time(11, 0), tzinfo=dt.UTC)))
    advance.finish()
    RetentionReview.objects.bulk_create(reviews, batch_size=2000)
    subjects = list(Subject.objects.filter(managed_until__isnull=True).select_related("person").order_by("ref"))
    if not subjects:
        return
    for s in rng.sample(subjects, min(len(subjects), ctx.size(4, 40, 200))):
        kind, recipient, basis, what = rng.choice(RECIPIENTS)
        disclosures.record(actor=ACTOR, person=s.person, recipient_kind=kind, recipient=recipient,
                           lawful_basis=basis, what=what)
    for i, s in enumerate(rng.sample(subjects, min(len(subjects), ctx.size(2, 8, 30)))):
        received = as_of - dt.timedelta(days=40 if i == 0 else rng.randint(1, 25))  # the first is past its month
        subject_access.log_request(actor=ACTOR, person=s.person, received_on=received)
    # Old records of no current policing purpose, decided for disposal: waiting for the second person.
    old = [s for s in standings.values() if s.group == 3 and not s.live and s.may_dispose(as_of, pol)]
    for s in rng.sample(sorted(old, key=lambda s: s.ref), min(len(old), ctx.size(1, 5, 20))):
        retention.record_review(actor=ACTOR, person=Person.objects.get(pk=s.pk), decision="dispose",
                                rationale="a closed matter past its clear period; no policing purpose remains",
                                reviewed_on=as_of)
