"""The shell's own pages: the role-aware home page ("my work")."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vigil.web.asof import as_of
from vigil.web.registry import panels


@login_required
def home(request):
    if request.officer is None:
        return render(request, "web/error.html", {"title": "No officer record",
                                                  "message": "This account is not linked to an officer."}, status=403)
    day = as_of(request)
    boxes = []
    for p in panels(request.user):
        ctx = p.fn(request, day)
        if ctx is not None:
            boxes.append({"template": p.template, "ctx": ctx, "name": p.name})
    return render(request, "web/home.html", {"boxes": boxes})
