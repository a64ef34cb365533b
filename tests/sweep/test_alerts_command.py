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
