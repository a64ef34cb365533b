"""The record-linkage review queue, one pair's evidence side by side with accept, reject and undo, and the offender
manager's review of a link between a missing child and a subject."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import clock, jobs
from vigil.missing import selectors, services
from vigil.missing.forms import DecisionForm, LinkReviewForm
from vigil.people.linkage import jobs as linkage_jobs
from vigil.people.linkage import selectors as linkage
from vigil.people.linkage.services import allowed_decisions, decide
from vigil.web.actions import not_found, refused, submitted
from vigil.web.asof import as_of


@login_required
@permission_required("vigil.review_matches", raise_exception=True)
def queue(request):
    view = request.GET.get("view", "queued")
    view = view if view in linkage.VIEWS else "queued"
    matches, total = linkage.review_queue(actor=request.user, view=view)
    return render(request, "missing/matches.html", {"matches": matches, "total": total, "view": view})


@login_required
@permission_required("vigil.run_linkage", raise_exception=True)
@require_POST
def run(request):
    """Start a linkage run in the background (people/linkage/jobs.py) and follow its progress on the job's page."""
    job_id = jobs.start(linkage_jobs.link_records, actor=request.user,
                        incremental=request.POST.get("incremental") == "on")
    return redirect(jobs.job_url(job_id))


@login_required
@permission_required("vigil.review_matches", raise_exception=True)
@require_http_methods(["GET", "POST"])
def match(request, pk: int):
    m = linkage.open_match(actor=request.user, pk=pk)
    if m is None:
        return not_found(request, f"No pair #{pk} in your work.")
    allowed = allowed_decisions(m)
    form = DecisionForm(request.POST or None, allowed=allowed)
    done = submitted(request, form, lambda d: decide(
        actor=request.user, match=m, decision=d["decision"], rationale=d["rationale"], at=clock.now(),
        as_of=as_of(request)), success=lambda _: f"Pair #{m.pk}: {form.cleaned_data['decision']} recorded.",
        then="missing:matches", field="rationale")
    if done:
        return done
    rows = [(e["comparison"], e["level"], e["weight"], _values(e["left"]), _values(e["right"])) for e in m.evidence]
    prior = m.match_weight - sum(e["weight"] for e in m.evidence)  # the prior log-odds, the rest of the weight
    return render(request, "missing/match.html", {"match": m, "form": form, "rows": rows, "allowed": allowed,
                                                  "prior": prior})


def _values(values: dict) -> str:
    shown = [", ".join(map(str, v)) if isinstance(v, list) else str(v) for v in values.values() if v]
    return " · ".join(shown) or "—"


@login_required
@permission_required("vigil.review_offender_link", raise_exception=True)
@require_http_methods(["GET", "POST"])
def offender_link(request, pk: int):
    link, refusal = selectors.open_offender_link(actor=request.user, pk=pk)
    if refusal:
        return refused(request, refusal)
    if link is None:
        return not_found(request, f"No link #{pk} in your work.")
    form = LinkReviewForm(request.POST or None)
    if link.reviewed_at is None:
        done = submitted(request, form, lambda d: services.review_offender_link(
            actor=request.user, link=link, rationale=d["rationale"], at=clock.now()), then="home", field="rationale",
            success=f"Review of the link to subject {link.subject_ref} recorded.")
        if done:
            return done
    return render(request, "missing/offender_link.html", {"link": link, "form": form})
