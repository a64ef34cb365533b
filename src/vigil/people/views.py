"""Person search and the person page: scoped to the officer's work, logged, break-glass outside it."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from vigil.core.breakglass import open_break_glass
from vigil.core.errors import InputError
from vigil.core.models import BreakGlass
from vigil.core.scope import record_exists
from vigil.people.forms import BreakGlassForm, SearchForm
from vigil.people.selectors import open_person, search_people
from vigil.web.actions import opened
from vigil.web.registry import person_sections


@login_required
@permission_required("vigil.search_people", raise_exception=True)
def search(request):
    form = SearchForm(request.GET or None)
    results, outside, bg = None, 0, None
    if form.is_valid():
        q = form.cleaned_data["q"]
        bg_id = request.GET.get("bg")
        if bg_id:
            bg = BreakGlass.objects.filter(pk=bg_id, user=request.user, record_type="search", record_id=q[:128]).first()
        try:
            results, outside = search_people(actor=request.user, q=q, break_glass=bg)
        except InputError as exc:
            form.add_error("q", str(exc))
    return render(request, "people/search.html", {"form": form, "results": results, "outside": outside})


@login_required
@permission_required("vigil.view_person", raise_exception=True)
def person(request, ref: str):
    p, response = opened(request, open_person(actor=request.user, ref=ref), kind="person", ref=ref)
    if response:
        return response
    sections = [s for s in (fn(request, p) for fn in person_sections()) if s]
    return render(request, "people/person.html", {
        "person": p, "justification": p.shown_under, "sections": sections,
        "aliases": p.aliases.all(), "addresses": p.addresses.order_by("-valid_from"),
        "phones": p.phones.all(), "vehicles": p.vehicles.all(), "identifiers": p.identifiers.all(),
    })


@login_required
@permission_required("vigil.search_people", raise_exception=True)
@require_http_methods(["GET", "POST"])
def break_glass(request):
    record_type = request.GET.get("type", "")
    record_id = request.GET.get("id", "")[:128]
    if record_type not in ("person", "search", "subject", "episode", "crime") or not record_id:
        return render(request, "web/error.html", {"title": "Nothing to open", "message": "No record was named."},
                      status=400)
    if not record_exists(record_type, record_id):
        return render(request, "web/error.html", {"title": "Not found", "message": f"No such record: {record_id}."},
                      status=404)
    form = BreakGlassForm(request.POST or None,
                          initial={"purpose": "change" if request.GET.get("purpose") == "change" else "read"})
    if request.method == "POST" and form.is_valid():
        try:
            bg = open_break_glass(user=request.user, record_type=record_type, record_id=record_id,
                                  reason_code=form.cleaned_data["reason_code"],
                                  reason_text=form.cleaned_data["reason_text"], purpose=form.cleaned_data["purpose"])
        except InputError as exc:
            form.add_error(None, str(exc))
            return render(request, "people/break_glass.html", {"form": form, "record_type": record_type,
                                                               "record_id": record_id}, status=400)
        if record_type == "person":
            return redirect("people:person", ref=record_id)
        if record_type == "subject":
            return redirect("offenders:subject", ref=record_id)
        if record_type == "episode":
            return redirect("missing:episode", ref=record_id)
        if record_type == "crime":
            return redirect("investigations:crime", ref=record_id)
        return redirect(reverse("people:search") + f"?q={record_id}&bg={bg.pk}")
    return render(request, "people/break_glass.html", {"form": form, "record_type": record_type,
                                                       "record_id": record_id})
