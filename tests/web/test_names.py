"""Names beside references (``web/names.names_of``): read as values, named exactly as ``Person.display_name``."""
import pytest

from tests import factories
from tests.offenders import factories as offender_factories
from vigil.core import clock
from vigil.web.names import names_of

pytestmark = pytest.mark.django_db


def test_names_read_as_values_are_the_records_own_display_names():
    people = [factories.person("PN1", given="Mark", surname="Ellery"),
              factories.person("PN2", given="Mark", surname=""),
              factories.person("PN3", given="", surname="", aliases=[("", ""), ("Jay", "")]),
              factories.person("PN4", given="", surname=""),
              factories.person("PN5", given="Erin", surname="Gone")]
    people[4].erased_at = clock.now()
    people[4].save()
    got = names_of({"person": [p.ref for p in people] + ["PN-NONE"]})
    assert got == {("person", p.ref): p.display_name for p in people}
    assert got[("person", "PN3")] == "name not known, known as Jay"
    assert got[("person", "PN5")] == "erased record"


def test_a_subject_is_named_by_its_person():
    org = factories.build_org()
    subject = offender_factories.subject(org.teams["om"], person=factories.person("PN6", given="", surname="",
                                                                                  aliases=[("Kit", "Cole")]))
    assert names_of({"subject": [subject.ref]}) == {("subject", subject.ref): "name not known, known as Kit Cole"}
