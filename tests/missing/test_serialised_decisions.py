"""The second of two people recording the same thing on a missing episode (its return, a referral, the review of
an offender link), each from the page they opened before the other saved, is told what is there and when, and
nothing of theirs is written over it."""
from __future__ import annotations

import pytest

from tests.missing.factories import at, episode
from tests.missing.test_offender_links import DAY, world  # noqa: F401  (the fixture)
from vigil.core import clock
from vigil.core.errors import Superseded
from vigil.missing import services
from vigil.missing.models import MissingEpisode, OffenderLink, Screening

pytestmark = pytest.mark.django_db


def test_a_second_return_from_a_stale_page_is_told_when_the_child_returned(world):  # noqa: F811
    ep = episode(world["child"], world["mp"], ref="M7", reported="2024-06-01T22:10")
    stale = MissingEpisode.objects.get(pk=ep.pk)  # a second coordinator opened the page before the first saved
    services.record_return(actor=world["coordinator"].user, episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={}, as_of=DAY)
    with pytest.raises(Superseded, match="the return is already recorded for this episode: the child returned at "
                                         + clock.said(at("2024-06-03T08:00"))):
        services.record_return(actor=world["om"].user, episode=stale, returned_at=at("2024-06-03T09:30"),
                               found_at={"line1": "1 Elsewhere Road"}, as_of=DAY)
    ep.refresh_from_db()
    assert ep.returned_at == at("2024-06-03T08:00") and ep.found_line1 == ""


def test_a_second_referral_from_a_stale_page_names_the_first(world):  # noqa: F811
    ep = episode(world["child"], world["mp"], ref="M8", reported="2024-06-01T22:10")
    s = services.record_screening(actor=world["coordinator"].user, episode=ep, stage="report",
                                  at=at("2024-06-02T10:00"), indicators=["older_associates"])
    stale = Screening.objects.get(pk=s.pk)
    services.record_referral(actor=world["coordinator"].user, screening=s, at=at("2024-06-02T12:00"), to="MASH")
    with pytest.raises(Superseded, match="a referral to MASH is already recorded for this screening"):
        services.record_referral(actor=world["coordinator"].user, screening=stale, at=at("2024-06-02T13:00"),
                                 to="Exploitation hub")
    assert Screening.objects.get(pk=s.pk).referral_to == "MASH"


def test_a_second_review_of_an_offender_link_names_the_reviewer(world):  # noqa: F811
    ep = episode(world["child"], world["mp"], ref="M9", reported="2024-06-01T22:10")
    services.record_return(actor=world["coordinator"].user, episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={"line1": "Flat 3 41 Kings Road", "postcode": "XW3 1AB"}, as_of=DAY)
    link = OffenderLink.objects.get(episode=ep)
    stale = OffenderLink.objects.get(pk=link.pk)
    services.review_offender_link(actor=world["om"].user, link=link, at=at("2024-06-04T10:00"),
                                  rationale="Unannounced visit made; subject denies contact; MASH informed.")
    with pytest.raises(Superseded, match=f"this link was already reviewed by {world['om'].name} at "):
        services.review_offender_link(actor=world["coordinator"].user, link=stale, at=at("2024-06-04T11:00"),
                                      rationale="A second reading of the same link, written at the same time.")
    link.refresh_from_db()
    assert link.reviewed_by == world["om"] and link.review_rationale.startswith("Unannounced visit made")
