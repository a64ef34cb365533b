"""`vigil alerts`: the open alerts without sweeping, in the same JSON as `vigil sweep --json`."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from tests.offenders.factories import seed_case
from vigil.sweep.models import Alert

TODAY = dt.date(2024, 8, 15)


@pytest.mark.django_db
def test_alerts_give_the_sweeps_json_without_sweeping(org, capsys):
    seed_case(org)
    call_command("sweep", "--as-of", TODAY.isoformat(), "--json")
    swept = json.loads(capsys.readouterr().out)
    before = list(Alert.objects.values_list("pk", "last_seen_as_of"))
    call_command("alerts", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert swept and listed == swept
    assert list(Alert.objects.values_list("pk", "last_seen_as_of")) == before  # nothing swept
    owner = swept[0]["owner"]
    call_command("alerts", "--json", "--owner", owner)
    mine = json.loads(capsys.readouterr().out)
    assert mine and all(a["owner"] == owner for a in mine)


@pytest.mark.django_db
def test_an_unknown_owner_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("alerts", "--owner", "O-NOBODY")
    assert exc.value.code == 2 and "'O-NOBODY' is not an officer" in capsys.readouterr().err


def test_the_sweeps_human_output_opens_with_a_summary_by_kind_and_severity(org, capsys):
    from django.core.management import call_command

    from tests.offenders.factories import seed_case

    seed_case(org)
    call_command("sweep", "--as-of", "2024-08-15", "--summary")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Sweep as of 2024-08-15:") and "critical" in out[1]
    row = next(line for line in out if line.strip().startswith("Home visit overdue"))
    assert row.split()[-1] == "1"  # one critical overdue visit (the inspection's case)
    assert not any(line.startswith("[CRITICAL]") for line in out)  # --summary: no alert lines
    call_command("sweep", "--as-of", "2024-08-15")
    assert any(line.startswith("[CRITICAL] VISIT_OVERDUE subject S1") for line in capsys.readouterr().out.splitlines())
