"""Policy: defaults stored as data, versioned, every change with who, when and why."""
import pytest

from vigil.core import policy
from vigil.core.errors import InputError
from vigil.core.models import PolicyVersion

policy.define("test.example_days", 30, "an example default for these tests")


def test_defaults_apply_until_a_force_changes_them():
    assert policy.defaults()["test.example_days"] == 30
    with pytest.raises(KeyError):
        policy.defaults()["no.such.key"]


@pytest.mark.django_db
def test_a_change_is_a_new_version_with_who_and_why(org):
    admin = org.user("administrator")
    v1 = policy.set_policy(changes={"test.example_days": 21}, changed_by=admin, reason="Force policy 2024/07")
    assert policy.current()["test.example_days"] == 21 and policy.current().version == 1
    policy.set_policy(changes={"test.example_days": 14}, changed_by=admin, reason="Inspection recommendation 3")
    assert policy.current()["test.example_days"] == 14
    assert list(PolicyVersion.objects.order_by("number").values_list("number", "reason")) == [
        (1, "Force policy 2024/07"), (2, "Inspection recommendation 3")]
    assert v1.changed_by == admin and v1.values == {"test.example_days": 21}


@pytest.mark.django_db
@pytest.mark.parametrize("changes,reason,message", [
    ({"test.example_days": 21}, "", "needs a reason"),
    ({"nope": 1}, "x", "not a policy key"),
    ({"test.example_days": "soon"}, "x", "expected int"),
])
def test_bad_changes_are_refused_and_nothing_is_written(changes, reason, message):
    with pytest.raises(InputError, match=message):
        policy.set_policy(changes=changes, changed_by=None, reason=reason)
    assert not PolicyVersion.objects.exists()


def test_what_if_overrides_do_not_touch_the_stored_policy():
    p = policy.defaults().with_overrides(test__example_days=7)
    assert p["test.example_days"] == 7 and policy.defaults()["test.example_days"] == 30


def test_policy_values_are_read_only_and_the_same_on_every_read():
    import json

    pol = policy.defaults()
    outcomes, matrix = pol["visits.failed_outcomes"], pol["allocation.units_by_level"]
    assert pol["visits.failed_outcomes"] is outcomes  # frozen once per policy, not copied on every read
    with pytest.raises(AttributeError):
        outcomes.append("seen_at_home")
    with pytest.raises(TypeError):
        matrix["9"] = 99
    assert "seen_at_home" not in policy.defaults()["visits.failed_outcomes"]
    assert json.loads(json.dumps(matrix)) == dict(matrix)  # still reads as JSON (the policy command, the forms)
