"""Record linkage: a handful of records on prior parameters, thresholds from policy, the review queue, undo,
identities on export, ``vigil link``, and the access log reading back each run and review as a combination."""
from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import call_command

from tests import factories
from vigil.core import policy
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry
from vigil.demo import variants
from vigil.interchange.services import export_document
from vigil.people.linkage import model, records
from vigil.people.linkage.models import LinkRun, MatchStatus, RecordMatch
from vigil.people.linkage.nicknames import canonical
from vigil.people.linkage.services import decide, run_linkage
from vigil.people.models import Identifier, Person, Phone

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 8, 15, 10, 0, tzinfo=dt.UTC)
DAY = dt.date(2024, 8, 15)


def test_nicknames_fall_into_one_group():
    assert canonical("Bill") == canonical("William") == canonical("billy")
    assert canonical("Mo") == canonical("Mohammed") == canonical("Muhammad")
    assert canonical("Zebedee") == "zebedee"


def test_the_prior_that_two_records_match_is_capped_for_a_small_force():
    pol = policy.defaults()
    assert model.prior_match_probability(10, pol) == 0.0001          # 2 × 5% ÷ 9 would be 0.011
    assert model.prior_match_probability(100_001, pol) == pytest.approx(1e-6)


def _pair(a: Person, b: Person) -> RecordMatch:
    left, right = sorted([a, b], key=lambda p: p.pk)
    return RecordMatch.objects.get(left=left, right=right)


@pytest.fixture
def handful(org):
    t = org.teams["mp"]
    p = {
        "A": factories.person("P01", given="William", surname="Hartley", dob=dt.date(1980, 3, 4), team=t,
                              address={"line1": "Flat 3, 41 Kings Road", "postcode": "XW3 1AB"}),
        "A2": factories.person("P02", given="William", surname="Hartley", dob=dt.date(1980, 3, 4), team=t,
                               address={"line1": "41 Kings Rd Flat 3", "postcode": "xw31ab"}),
        "A3": factories.person("P03", given="Bill", surname="Hartly", dob=dt.date(1980, 4, 3), team=t),
        "B": factories.person("P04", given="Sarah", surname="Okafor", dob=dt.date(1992, 11, 20), team=t,
                              sex="female"),
        "C": factories.person("P05", given="Thomas", surname="Reed", dob=dt.date(1975, 6, 1), team=t),
        "D": factories.person("P06", given="Thomas", surname="Reed", dob=dt.date(2001, 9, 9), team=t),
    }
    Phone.objects.create(person=p["A"], number="07700900123")
    Phone.objects.create(person=p["A2"], number="07700900123")
    Identifier.objects.create(person=p["C"], type="pnc_id", value="2012/0123456X")
    Identifier.objects.create(person=p["D"], type="pnc_id", value="2019/0999999Z")
    return p


def test_a_handful_of_records_links_on_priors_queues_the_uncertain_and_keeps_different_people_apart(handful):
    run = run_linkage(as_of=DAY)
    assert run.parameters == "prior" and run.records == Person.objects.count()
    assert _pair(handful["A"], handful["A2"]).status == MatchStatus.LINKED_AUTO
    assert _pair(handful["A"], handful["A3"]).status == MatchStatus.QUEUED  # Bill Hartly, day and month swapped
    assert not RecordMatch.objects.filter(left__in=[handful["C"], handful["D"]],
                                          right__in=[handful["C"], handful["D"]]).exists()
    for p in handful.values():
        p.refresh_from_db()
    assert handful["A"].identity.ref == handful["A2"].identity.ref == "I-P01"
    assert handful["A3"].identity is None and handful["B"].identity is None
    evidence = {e["comparison"]: e for e in _pair(handful["A"], handful["A2"]).evidence}
    assert evidence["address"]["level"] == "an address in common" and evidence["address"]["weight"] > 10
    assert evidence["phone"]["left"] == {"phones": ["07700900123"]}
    dob = {e["comparison"]: e for e in _pair(handful["A"], handful["A3"]).evidence}["dob"]
    assert dob["level"] == "day and month transposed"
    log = AccessLogEntry.objects.filter(operation="combination")
    assert log.filter(record_type="linkage_run", record_id=str(run.pk)).exists()
    assert log.filter(record_type="person", record_id="P02", detail__startswith="record linkage run").exists()


def test_review_accept_undo_and_runs_never_overturn_a_person(handful, org):
    run_linkage(as_of=DAY)
    queued = _pair(handful["A"], handful["A3"])
    reviewer = org.officers["exploitation_analyst"].user
    with pytest.raises(InputError, match="rationale: write at least 10 characters"):
        decide(actor=reviewer, match=queued, decision="accept", rationale="yes", at=NOW, as_of=DAY)
    decide(actor=reviewer, match=queued, decision="accept", rationale="same phone on both custody records", at=NOW,
           as_of=DAY)
    handful["A3"].refresh_from_db()
    assert handful["A3"].identity.ref == "I-P01"
    with pytest.raises(InputError, match="cannot be accepted now"):
        decide(actor=reviewer, match=queued, decision="accept", rationale="again and again", at=NOW, as_of=DAY)
    auto = _pair(handful["A"], handful["A2"])
    decide(actor=reviewer, match=auto, decision="undo", rationale="twins: PNC shows two men", at=NOW, as_of=DAY)
    for p in handful.values():
        p.refresh_from_db()
    # A2 is on its own again; A and A3 stay one identity through the accepted link.
    assert handful["A2"].identity is None and handful["A"].identity.ref == handful["A3"].identity.ref == "I-P01"
    run_linkage(as_of=DAY)  # the model would auto-link A and A2 again: a person's undo stands
    assert _pair(handful["A"], handful["A2"]).status == MatchStatus.UNDONE
    assert [h["what"] for h in _pair(handful["A"], handful["A2"]).history][-1] == "undone"
    entries = AccessLogEntry.objects.filter(operation="combination", actor=reviewer.username, record_type="person")
    assert entries.filter(record_id="P03", detail__contains="accepted by a reviewer").exists()
    assert entries.filter(record_id="P02", detail__contains="undone by a reviewer").exists()


def test_export_writes_each_persons_identity(handful):
    run_linkage(as_of=DAY)
    out = io.StringIO()
    export_document(out)
    identity = {p["id"]: p["identity"] for p in json.loads(out.getvalue())["people"]}
    assert identity["P01"] == identity["P02"] == "I-P01"
    assert identity["P03"] == "I-P03" and identity["P05"] == "I-P05"


def test_an_identity_keeps_its_id_when_a_record_joins_it_whatever_that_records_id(handful, org):
    run_linkage(as_of=DAY)
    newcomer = factories.person("P00", given="William", surname="Hartley", dob=dt.date(1980, 3, 4),
                                team=org.teams["mp"], address={"line1": "Flat 3, 41 Kings Road", "postcode": "XW3 1AB"})
    Phone.objects.create(person=newcomer, number="07700900123")
    run_linkage(as_of=DAY)
    for p in [newcomer, handful["A"], handful["A2"]]:
        p.refresh_from_db()
        assert p.identity.ref == "I-P01"      # not I-P00: the identity was formed before the newcomer came
    decide(actor=org.officers["exploitation_analyst"].user, match=_pair(handful["A"], handful["A3"]),
           decision="accept", rationale="same phone on both custody records", at=NOW, as_of=DAY)
    handful["A3"].refresh_from_db()
    assert handful["A3"].identity.ref == "I-P01"


def test_an_incremental_run_compares_only_new_and_changed_records_and_touches_nothing_else(handful, org):
    first = run_linkage(as_of=DAY)
    before = {(m.left_id, m.right_id): (m.status, m.run_id) for m in RecordMatch.objects.all()}
    nothing = run_linkage(as_of=DAY, incremental=True)
    assert nothing.incremental and nothing.pairs_scored == 0 and nothing.withdrawn == 0
    newcomer = factories.person("P07", given="Sarah", surname="Okafor", dob=dt.date(1992, 11, 20),
                                team=org.teams["mp"], sex="female")
    handful["A3"].date_of_birth = dt.date(1980, 3, 4)   # Bill Hartly's date of birth corrected
    handful["A3"].save()
    run = run_linkage(as_of=DAY, incremental=True)
    assert run.incremental and model.parameters(run.model) == model.parameters(first.model)
    after = {(m.left_id, m.right_id): (m.status, m.run_id) for m in RecordMatch.objects.all()}
    compared = {k: v for k, v in after.items() if v[1] == run.pk}
    assert compared and all({handful["A3"].pk, newcomer.pk} & set(k) for k in compared)
    assert {k: v for k, v in after.items() if k not in compared} == {k: v for k, v in before.items()
                                                                     if k not in compared}
    assert (min(handful["B"].pk, newcomer.pk), max(handful["B"].pk, newcomer.pk)) in compared
    incremental = {k: RecordMatch.objects.get(left_id=k[0], right_id=k[1]).probability for k in compared}
    run_linkage(as_of=DAY)  # a full run on the same parameters scores those pairs the same
    assert {k: RecordMatch.objects.get(left_id=k[0], right_id=k[1]).probability for k in compared} == \
        pytest.approx(incremental)
    log = AccessLogEntry.objects.filter(record_type="linkage_run", record_id=str(run.pk)).get()
    assert "incremental: 2 new or changed compared" in log.detail


def test_a_second_run_on_the_same_records_rescores_every_pair_and_changes_nothing_else(handful):
    run_linkage(as_of=DAY)
    before = {m.pk: (m.status, m.probability, m.evidence, len(m.history)) for m in RecordMatch.objects.all()}
    second = run_linkage(as_of=DAY)
    after = {m.pk: (m.status, m.probability, m.evidence, len(m.history)) for m in RecordMatch.objects.all()}
    assert after == before and before
    assert set(RecordMatch.objects.values_list("run_id", flat=True)) == {second.pk}


def test_vigil_link_prints_a_summary(handful, capsys):
    call_command("vigil_link", "--json", "--as-of", "2024-08-15")
    summary = json.loads(capsys.readouterr().out)
    assert summary["linked_automatically"] == 1 and summary["awaiting_review"] == 2  # P03 against P01 and P02
    assert summary["parameters"] == "prior" and summary["thresholds"] == {"auto_link": 0.99, "review": 0.5}
    call_command("vigil_link")
    text = capsys.readouterr().out
    assert "1 linked automatically" in text and "2 awaiting review" in text
    assert LinkRun.objects.count() == 2
    with pytest.raises(SystemExit) as exit_:
        call_command("vigil_link", "--as-of", "15/08/2024")
    assert exit_.value.code == 2 and "is not a date in the form YYYY-MM-DD" in capsys.readouterr().err
    assert LinkRun.objects.count() == 2


def test_thresholds_are_policy(handful, org):
    policy.set_policy(changes={"linkage.review_probability": 0.999999, "linkage.auto_link_probability": 0.9999999},
                      changed_by=org.officers["administrator"].user, reason="testing stricter thresholds")
    run_linkage(as_of=DAY)
    assert not RecordMatch.objects.filter(status=MatchStatus.QUEUED).exists()
    policy.set_policy(changes={"linkage.review_probability": 0.9999999, "linkage.auto_link_probability": 0.9},
                      changed_by=org.officers["administrator"].user, reason="a mistake to refuse")
    with pytest.raises(InputError, match="review threshold is above the auto-link threshold"):
        run_linkage(as_of=DAY)


def test_trained_parameters_on_a_larger_synthetic_population_recover_the_truth():
    """EM training on a few thousand records with typo'd duplicates (truth known) — precision and recall high."""
    rng = random.Random(5)
    from vigil.demo import fictional

    rows, truth = [], set()
    for i in range(1500):
        sex = rng.choice(["male", "female"])
        given, surname = fictional.person_name(rng, sex)
        dob = fictional.date_of_birth(rng, DAY, 10, 80)
        addr = fictional.address(rng)
        rows.append(records.row(uid=f"{i}", person=f"{i}", given=given, surname=surname, dob=dob.isoformat(),
                                sex=sex, addresses=[addr]))
        if i % 5 == 0:
            g2, s2, _ = variants.vary_name(rng, given, surname)
            d2, _ = variants.vary_dob(rng, dob)
            rows.append(records.row(uid=f"d{i}", person=f"d{i}", given=g2, surname=s2,
                                    dob=d2.isoformat() if d2 else None, sex=sex,
                                    addresses=[variants.vary_address(rng, addr["line1"], addr["town"],
                                                                     addr["postcode"])]))
            truth.add(tuple(sorted((f"{i}", f"d{i}"))))
    scored = model.score(records.table(rows), policy.defaults(), train=True, min_probability=0.5)
    assert scored.parameters == "trained"
    got = {tuple(sorted(p)) for p in zip(scored.pairs["first"], scored.pairs["second"], strict=True)}
    tp = len(got & truth)
    assert tp / len(got) > 0.95 and tp / len(truth) > 0.85


def test_a_pair_awaiting_review_is_its_teams_task_and_clears_when_decided_or_withdrawn(handful, org):
    """Owned work: the queued pair reaches the missing-persons team's queue, names both records, and closes by
    itself when a reviewer decides; a run that no longer queues a pair clears its task too."""
    from vigil.work import services as work
    from vigil.work.models import Task
    from vigil.work.queue import work_for

    run_linkage(as_of=DAY)
    queued = _pair(handful["A"], handful["A3"])
    coordinator = org.officers["missing_persons_coordinator"]
    pending = {i.record: i for i in work_for(coordinator) if i.kind == "task"}
    assert len(pending) == RecordMatch.objects.filter(status=MatchStatus.QUEUED).count()
    item = pending[f"match {queued.pk}"]
    assert item.owner is None  # in the team queue, to be claimed
    assert "P01 and P03 may be the same person" in item.reasons[0]
    task = Task.objects.get(pk=item.detail["task"])
    assert task.team == org.teams["mp"] and task.status == "open"
    run_linkage(as_of=DAY)  # a second run hands nothing over twice
    assert Task.objects.filter(kind="linkage_review").count() == len(pending)
    work.claim(actor=coordinator.user, officer=coordinator, task=task)
    decide(actor=coordinator.user, match=queued, decision="reject", rationale="different dates of birth on PNC",
           at=NOW, as_of=DAY)
    task.refresh_from_db()
    assert task.status == "done" and "rejected by" in task.outcome and "different dates of birth" in task.outcome
    assert f"match {queued.pk}" not in {i.record for i in work_for(coordinator)}
    # Withdrawn: Bill Hartly turns out to be someone else entirely; his other open review tasks clear, naming the run.
    others = list(Task.objects.filter(kind="linkage_review", status="open"))
    a3 = handful["A3"]
    a3.given_names, a3.surname, a3.date_of_birth = "Kwame", "Asante", dt.date(1999, 1, 2)
    a3.save()
    run_linkage(as_of=DAY)
    [other] = others  # Bill Hartly and the second William Hartley record
    other.refresh_from_db()
    assert RecordMatch.objects.get(pk=int(other.record_ref)).status == MatchStatus.WITHDRAWN
    assert other.status == "done" and "now scores below the review threshold" in other.outcome
    assert list(other.events.values_list("what", flat=True)) == ["created", "done"]
