"""Pickers: find a person or an officer as you type, instead of typing their id (issue 12).

A form field that names a record uses ``PickerInput``: a text box that asks ``/pick/<kind>/`` for the people or
officers matching what has been typed (htmx), and a list to choose from; choosing puts the reference in the box
(``vigil.js``). Without JavaScript the box still takes a reference, and ``OfficerField`` also takes a name that
matches one officer. What a picker shows is searched as the area's search is: people within the officer's work
(``people.selectors.search_people``, logged), officers by name or reference (logged).
"""
from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.urls import reverse

from vigil.core import access_log

SHOWN = 10


@dataclass(frozen=True)
class Choice:
    value: str   # what goes in the box: the record's reference
    label: str   # what a person reads: the name, the reference beside it, and what tells people apart


def officers(actor, q: str) -> list[Choice]:
    from vigil.accounts.models import Officer

    q = q.strip()
    if len(q) < 2:
        return []
    cond = Q(ref__iexact=q)
    words = q.split()
    name = Q()
    for w in words:
        name &= Q(name__icontains=w)
    found = list(Officer.objects.filter(cond | name).select_related("team").order_by("name", "ref")[:SHOWN])
    access_log.consulted(actor, "officer", [o.ref for o in found], "choosing an officer", f"officer picker: {q[:40]}")
    return [Choice(o.ref, f"{o.titled} ({o.ref}) · {o.team.name}{'' if o.active else ' · inactive'}") for o in found]


def people(actor, q: str) -> tuple[list[Choice], int]:
    """People within the actor's work matching ``q``, and how many more match outside it."""
    from vigil.people.selectors import search_people

    if len(q.strip()) < 2:
        return [], 0
    found, outside = search_people(actor=actor, q=q)
    return [Choice(p.ref, f"{p.display_name} ({p.ref}) · {p.date_of_birth_text}") for p in found[:SHOWN]], outside


# kind → (what finds them, the permissions any one of which lets a role use the picker)
PICKERS = {"officers": (officers, ("vigil.manage_standards", "vigil.allocate_crimes", "vigil.view_audit",
                                   "vigil.administer")),
           "people": (people, ("vigil.search_people",))}


def may_pick(user, kind: str) -> bool:
    return kind in PICKERS and any(user.has_perm(p) for p in PICKERS[kind][1])


class PickerInput(forms.TextInput):
    """A text box with a find-as-you-type list under it. ``kind``: officers or people; ``several``: the box
    holds references separated by commas, and each choice is added to them."""

    template_name = "web/widgets/picker.html"

    def __init__(self, kind: str, *, several: bool = False, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.kind, self.several = kind, several

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        ctx["widget"].update(source=reverse("pick", args=[self.kind]), several=self.several)
        return ctx


class OfficerField(forms.CharField):
    """An officer, chosen from the picker or typed as a reference or a name that matches one officer; cleans to
    the officer's reference."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", PickerInput("officers"))
        super().__init__(**kwargs)

    def clean(self, value):
        from vigil.accounts.models import Officer

        text = super().clean(value).strip()
        if not text:
            return text
        exact = Officer.objects.filter(ref__iexact=text).values_list("ref", flat=True).first()
        if exact:
            return exact
        named = Q()
        for w in text.split():
            named &= Q(name__icontains=w)
        found = list(Officer.objects.filter(named).order_by("name", "ref")[:6])
        if len(found) == 1:
            return found[0].ref
        if not found:
            raise forms.ValidationError(f"no officer is called or numbered “{text[:60]}”")
        raise forms.ValidationError("several officers match “{}”: {}; choose one".format(
            text[:60], ", ".join(f"{o.titled} ({o.ref})" for o in found[:5])))
