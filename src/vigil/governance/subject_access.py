"""Subject access (DPA 2018 s.45): a request is logged with its one-month deadline (a task for a named information
manager), and answered with a pack: the person's own data, the purposes, the recipients it was disclosed
to, how long it is kept, and how to complain to the Information Commissioner.

Data about other people, and what would prejudice policing, is withheld, and each restriction applied is recorded
with its reason (s.45(4)): children and others found with a missing child, other people in a crime, officers'
names, officers' notes and rationales (risk assessments, decisions, screenings), planned unannounced visits and
escalations under consideration, and other records linked to the person only by record linkage (a probability:
each is confirmed before it is disclosed). Producing the pack is logged as a disclosure to the data subject.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json

from django.db import transaction
from django.db.models import Count, Q

from vigil.core import access_log, clock, policy
from vigil.core.errors import InputError
from vigil.governance.models import Disclosure, RequestStatus, SubjectAccessRequest
from vigil.people.models import Address, Person

FORMAT = "vigil-subject-access/1"
PURPOSE = "subject access request (DPA 2018 s.45)"
COMPLAINTS = ("If you are unhappy with how your request was handled, or with how we use your data, you can complain "
              "to the Information Commissioner's Office (ICO), Wycliffe House, Water Lane, Wilmslow, Cheshire "
              "SK9 5AF; telephone 0303 123 1113. You may also apply to a court (DPA 2018 s.167).")
PURPOSES = {
    "management": "managing registered sex offenders and online child-abuse suspects to protect the public "
                  "(Sexual Offences Act 2003 Part 2; MAPPA, Criminal Justice Act 2003 s.325)",
    "missing": "finding missing children and protecting them from exploitation (Children Act 2004 s.11)",
    "crimes": "preventing, investigating and detecting crime (DPA 2018 s.31, the law enforcement purposes)",
    "linkage": "keeping accurate records by recognising the same person across records (DPA 2018 s.38)",
}


def one_month_after(day: dt.date) -> dt.date:
    """The same day of the next month, or its last day (DPA 2018 s.54: one month)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_person(ref: str) -> Person:
    """The person a request is about; an unknown or erased person is refused (exit 2 at the command line)."""
    person = Person.objects.filter(ref=ref).first()
    if person is None:
        raise InputError(f"{ref[:64]!r} is not a person")
    if person.erased_at:
        raise InputError(f"person {person.ref} was erased on {person.erased_at:%-d %b %Y}: nothing is held")
    return person


@transaction.atomic
def log_request(*, actor, person: Person, received_on: dt.date) -> SubjectAccessRequest:
    """Record a request and hand its deadline to the information managers (a task in their team's queue)."""
    from vigil.accounts.models import Officer
    from vigil.work.services import hand_over

    if person.erased_at:
        raise InputError(f"person {person.ref} was erased: nothing is held")
    if received_on > clock.today():
        raise InputError("received_on: a request cannot be received in the future")
    existing = SubjectAccessRequest.objects.filter(person=person, status=RequestStatus.OPEN).first()
    if existing:
        raise InputError(f"a subject access request for {person.ref} received on "
                         f"{existing.received_on:%-d %b %Y} is already open")
    who = access_log.actor_names(actor)[0]
    sar = SubjectAccessRequest.objects.create(person=person, person_ref=person.ref, received_on=received_on,
                                              due_on=one_month_after(received_on), logged_by=who[:150],
                                              logged_at=clock.now())
    # A named information manager (the one with the fewest requests open), never a team queue: the team may hold
    # administrators and auditors, who have no business seeing who asked.
    holder = (Officer.objects.filter(active=True, roles__role="information_manager")
              .annotate(open=Count("tasks", filter=Q(tasks__kind="subject_access", tasks__status="open")))
              .order_by("open", "pk").select_related("team").first()) or getattr(actor, "officer", None)
    if holder is not None:
        hand_over(source=f"subject-access:{sar.pk}", kind="subject_access", record_type="person",
                  record_ref=person.ref, owner=holder, severity="high", actor=actor,
                  title="Answer a subject access request",
                  due=dt.datetime.combine(sar.due_on, dt.time(17, 0), tzinfo=clock.now().tzinfo),
                  reasons=[f"Subject access request #{sar.pk} for person {person.ref}, received "
                           f"{clock.day_said(received_on)}: answer by {clock.day_said(sar.due_on)} (one month, "
                           "DPA 2018 s.54)"])
    access_log.record(actor=actor, operation="collection", record_type="person", record_ids=person.ref,
                      justification=PURPOSE, detail=f"subject access request #{sar.pk} logged, due {sar.due_on}")
    return sar


def pack(person: Person, as_of: dt.date) -> dict:
    """The pack for one person: what is theirs, and what was withheld and why."""
    from vigil.governance import retention
    from vigil.investigations.models import CrimePerson
    from vigil.missing.models import MissingEpisode, OffenderLink
    from vigil.offenders.models import Subject

    withheld: list[dict] = []

    def withhold(what: str, count: int, reason: str) -> None:
        if count:
            withheld.append({"what": what, "count": count, "reason": reason})

    own = {
        "id": person.ref, "given_names": person.given_names or None, "surname": person.surname or None,
        "date_of_birth": person.date_of_birth_text, "sex": person.sex,
        "aliases": [" ".join(x for x in (a.given_names, a.surname) if x) for a in person.aliases.all()],
        "addresses": [{"address": str(a), "kind": a.kind, "from": a.valid_from and a.valid_from.isoformat(),
                       "to": a.valid_to and a.valid_to.isoformat()} for a in person.addresses.order_by("pk")],
        "phones": [p.number for p in person.phones.order_by("pk")],
        "vehicles": [v.registration for v in person.vehicles.order_by("pk")],
        "identifiers": [{"type": i.type, "value": i.value} for i in person.identifiers.order_by("pk")],
    }
    purposes = set()
    officers_named = 0
    management = []
    for s in Subject.objects.filter(person=person).prefetch_related("orders", "notifications", "assessments",
                                                                    "visits", "plans", "escalations"):
        purposes.add("management")
        assessments = list(s.assessments.order_by("date"))
        visits = list(s.visits.order_by("date"))
        management.append({
            "id": s.ref, "kind": s.get_kind_display(), "managed_from": s.managed_from.isoformat(),
            "managed_until": s.managed_until and s.managed_until.isoformat(), "mode": s.get_mode_display(),
            "mappa": {"category": s.mappa_category, "level": s.mappa_level},
            "notification": {"start": s.notification_start and s.notification_start.isoformat(),
                             "end": s.notification_end and s.notification_end.isoformat()},
            "orders": [{"kind": o.get_kind_display(), "start": o.start.isoformat(),
                        "end": o.end and o.end.isoformat(), "conditions": o.conditions} for o in s.orders.all()],
            "notifications": [{"kind": n.get_kind_display(), "on": n.on.isoformat()} for n in s.notifications.all()],
            "risk_assessments": [{"date": a.date.isoformat(), "risk_level": a.get_risk_level_display()}
                                 for a in assessments],
            "home_visits": [{"date": v.date.isoformat(), "outcome": v.get_outcome_display()} for v in visits],
        })
        officers_named += len(assessments) + len(visits) + (1 if s.manager_id else 0)
        withhold("rationales and factors of risk assessments (officers' notes)", len(assessments),
                 "s.45(4)(a)-(c): to avoid prejudicing the prevention and detection of crime and to protect the "
                 "public")
        withhold("planned home visits", len(s.plans.all()),
                 "s.45(4)(b): visits are unannounced; disclosing plans would defeat them")
        withhold("escalations and decisions under consideration", len(s.escalations.all()),
                 "s.45(4)(b)-(c): to avoid prejudicing the prevention of offences and public protection")
        withhold("missing children linked to the subject (found at their address or with them)",
                 OffenderLink.objects.filter(subject_ref=s.ref).values("episode__child_id").distinct().count(),
                 "s.45(4)(e): the children's own data; s.45(4)(b)-(c): safeguarding inquiries under way")
    episodes = []
    found_with = 0
    as_child = list(MissingEpisode.objects.filter(child=person).prefetch_related("screenings", "found_with"))
    # A place where the child was found that is someone else's address (an offender's home, a friend's) is that
    # person's data: withheld, counted.
    others_places = set(Address.objects.filter(match_key__in={e.found_key for e in as_child if e.found_key})
                        .exclude(person=person).values_list("match_key", flat=True))
    withhold("places the child was found that are another person's address",
             sum(1 for e in as_child if e.found_key in others_places),
             "s.45(4)(e): to protect the rights and freedoms of others (whose address it is)")
    for e in as_child:
        purposes.add("missing")
        place = None if e.found_key in others_places else (e.found_at_text or None)
        episodes.append({
            "id": e.ref, "reported": e.reported_at.isoformat(), "returned": e.returned_at and e.returned_at.isoformat(),
            "risk_grade": e.get_risk_grade_display() if e.risk_grade else None, "found_at": place,
            "screenings": [{"at": s.at.isoformat(), "indicators": s.indicators} for s in e.screenings.all()],
            "return_interview_offered": e.return_interview_at and e.return_interview_at.isoformat(),
        })
        found_with += len(e.found_with.all())
        withhold("screening notes and the circumstances recorded by officers", len(e.screenings.all()) + 1,
                 "s.45(4)(a)-(b): officers' notes; to avoid prejudicing inquiries into exploitation")
    withhold("the people a missing child was found with", found_with,
             "s.45(4)(e): to protect the rights and freedoms of others (third parties)")
    crimes = []
    for cp in CrimePerson.objects.filter(person=person).select_related("crime"):
        purposes.add("crimes")
        c = cp.crime
        crimes.append({"id": c.ref, "role": cp.role, "offence": str(c.offence) if c.offence else c.offence_code,
                       "reported": c.reported.isoformat(), "status": "closed" if c.closed_on else "open"})
    others = CrimePerson.objects.filter(crime__people__person=person).exclude(person=person).distinct().count()
    withhold("other people in the same crimes", others,
             "s.45(4)(e): to protect the rights and freedoms of others (third parties)")
    withhold("crime summaries (they describe other people and lines of inquiry)", len(crimes),
             "s.45(4)(a)-(b), (e): to avoid obstructing inquiries and to protect others")
    withhold("names of officers and staff who recorded or reviewed the data", officers_named,
             "s.45(4)(e): police staff are third parties; the force may name them on request")
    linked = Person.objects.filter(identity_id=person.identity_id).exclude(pk=person.pk).count() \
        if person.identity_id else 0
    withhold("other records linked to this person by record linkage", linked,
             "record linkage is a probability: each record is confirmed as yours before it is disclosed, so that "
             "nobody else's data is sent to you (s.45(4)(e))")
    if linked:
        purposes.add("linkage")
    recipients = [{"recipient": d.recipient, "kind": d.get_recipient_kind_display(),
                   "on": d.disclosed_at.date().isoformat(), "lawful_basis": d.lawful_basis, "what": d.what}
                  for d in Disclosure.objects.filter(person=person).order_by("disclosed_at")]
    from vigil.core.models import AccessLogEntry
    from vigil.governance.disclosures import PURPOSE as PARTNER_DISCLOSURE

    for at, names, detail, why in (AccessLogEntry.objects.filter(operation="disclosure", record_type="person",
                                                                 record_id=person.ref).exclude(recipients=[])
                                   .order_by("at").values_list("at", "recipients", "detail", "justification")):
        if "subject access" in detail or why.startswith(PARTNER_DISCLOSURE):
            continue  # the data subject themselves; a disclosure recorded above (one recipient said once)
        recipients.append({"recipient": ", ".join(names), "kind": "recorded disclosure", "on": at.date().isoformat(),
                           "lawful_basis": "as recorded in the access log", "what": detail[:200]})
    pol = policy.current()
    standing = retention.standings(as_of, pol, {person.pk}).get(person.pk)
    due = standing.due_on(pol) if standing else None
    keep = standing.keep_until(pol) if standing else None
    return {
        "format": FORMAT, "produced_on": as_of.isoformat(), "person": own,
        "records": {"management": management, "missing_episodes": episodes, "crimes": crimes},
        "purposes": [PURPOSES[p] for p in ("management", "missing", "crimes", "linkage") if p in purposes],
        "recipients": recipients,
        "retention": {"group": standing.group if standing else None,
                      "group_name": retention.GROUP_NAMES.get(standing.group) if standing else None,
                      "next_review": due.isoformat() if due else as_of.isoformat(),
                      "kept_until": keep.isoformat() if keep else None,
                      "period": retention.schedule_said(standing.group, pol) if standing else None},
        "withheld": withheld,
        "complaints": COMPLAINTS,
    }


def answer(*, actor, person: Person, as_of: dt.date, request: SubjectAccessRequest | None = None) -> tuple[dict, bytes]:
    """Produce the pack (JSON bytes) and mark the open request answered (one is logged first if there is none):
    logged as a disclosure to the data subject, with what was withheld."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.erased_at:
            raise InputError(f"person {person.ref} was erased: nothing is held")
        sar = request or SubjectAccessRequest.objects.filter(person=person, status=RequestStatus.OPEN).first() \
            or log_request(actor=actor, person=person, received_on=as_of)
        content = pack(person, as_of)
        content["request"] = {"id": sar.pk, "received": sar.received_on.isoformat(), "due": sar.due_on.isoformat()}
        body = json.dumps(content, indent=1, ensure_ascii=False).encode("utf-8")
        sar.status, sar.answered_at = RequestStatus.ANSWERED, clock.now()
        sar.answered_by = access_log.actor_names(actor)[0][:150]
        sar.pack_sha256, sar.withheld = hashlib.sha256(body).hexdigest(), content["withheld"]
        sar.save()
        from vigil.work.services import settle

        settle(source=f"subject-access:{sar.pk}", actor=actor,
               outcome=f"answered: pack produced {clock.day_said(as_of)} ({len(content['withheld'])} restrictions)")
        access_log.record(actor=actor, operation="disclosure", record_type="person", record_ids=person.ref,
                          justification=PURPOSE, recipients=[f"the data subject (subject access request #{sar.pk})"],
                          detail=f"subject access pack #{sar.pk}: {sum(len(v) for v in content['records'].values())} "
                                 f"records; {len(content['withheld'])} kinds of data withheld")
    return content, body
