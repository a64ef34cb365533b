"""Two people acting on the same record at once: no lost update, and the second is told clearly."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.factories import person
from vigil.core.breakglass import open_break_glass, review_break_glass
from vigil.core.errors import InputError
from vigil.core.models import BreakGlass


@pytest.mark.django_db
def test_a_second_review_of_the_same_break_glass_is_a_clear_conflict(org):
    person("P1")
    bg = open_break_glass(user=org.user("offender_manager"), record_type="person", record_id="P1",
                          reason_code="live_incident", reason_text="CAD 1001 live incident at the address")
    pso = org.user("professional_standards")
    review_break_glass(reviewer=pso, break_glass_id=bg.pk, outcome="justified", note="first")
    with pytest.raises(InputError, match="already been reviewed"):
        review_break_glass(reviewer=pso, break_glass_id=bg.pk, outcome="referred", note="second")
    bg.refresh_from_db()
    assert (bg.review_outcome, bg.review_note) == ("justified", "first")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reviews_on_postgresql_one_wins_one_is_told(org):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are a PostgreSQL behaviour; SQLite serialises whole writes")
    person("P1")
    bg = open_break_glass(user=org.user("offender_manager"), record_type="person", record_id="P1",
                          reason_code="live_incident", reason_text="CAD 1002 live incident at the address")
    pso = org.user("professional_standards")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(outcome):
        try:
            barrier.wait()
            review_break_glass(reviewer=pso, break_glass_id=bg.pk, outcome=outcome, note=outcome)
            outcomes.append("saved")
        except InputError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=review, args=(o,)) for o in ("justified", "referred")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == sorted(["saved", "that break-glass has already been reviewed or does not exist"])
    bg = BreakGlass.objects.get(pk=bg.pk)
    assert bg.review_note == bg.review_outcome  # the winner's note and outcome together: no mixed update
