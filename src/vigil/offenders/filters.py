"""The subject list's filters (django-filter): who, which kind, which mode, which team of the officer's work, and
"managed by me". The list is always the officer's own work (``selectors.subjects_for``); filters only narrow it."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from vigil.accounts.models import Team
from vigil.offenders.models import Mode, SubjectKind


class SubjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or subject number", method="named", max_length=100)
    kind = django_filters.ChoiceFilter(label="Kind", choices=SubjectKind.choices, empty_label="Any kind")
    mode = django_filters.ChoiceFilter(label="Mode", choices=Mode.choices, empty_label="Any mode")
    team = django_filters.ModelChoiceFilter(label="Team", queryset=Team.objects.none(),
                                            empty_label="Any team in your work")
    mine = django_filters.BooleanFilter(label="Only those I manage", method="managed_by_me",
                                        widget=forms.CheckboxInput)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["team"].queryset = Team.objects.filter(
            pk__in=self.queryset.order_by().values("team_id")).order_by("name")

    def named(self, qs, _name, value):
        value = value.strip()
        if not value:
            return qs
        cond = Q(ref__iexact=value)
        words = Q()
        for w in value.split():
            words &= Q(person__surname__icontains=w) | Q(person__given_names__icontains=w)
        return qs.filter(cond | words)

    def managed_by_me(self, qs, _name, value):
        officer = getattr(self.request, "officer", None)
        return qs.filter(manager=officer) if value and officer is not None else qs
