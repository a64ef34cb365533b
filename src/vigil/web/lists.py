"""Lists: one way to filter, page and link a list (issue 12).

A list view hands ``listed`` what the viewer may see (a queryset already scoped, or rows already judged), the
page size, and its django-filter ``FilterSet`` if it has one. It gets back the page (Django's paginator), the
filters as a query string for the page links (``web/pages.html``), the bound filter for the form, and whether
the filters were valid: a bad filter value shows its error and an empty list with 400, never a wider one.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator


@dataclass
class Listed:
    page: Page
    query: str          # the list's own filters, without the page number
    filter: object      # the bound FilterSet, or None
    valid: bool

    @property
    def status(self) -> int:
        return 200 if self.valid else 400


def listed(request, items, per_page: int, *, filterset=None, order: tuple[str, ...] = ()) -> Listed:
    found, valid = None, True
    if filterset is not None:
        found = filterset(request.GET or None, request=request, queryset=items)
        valid = not found.is_bound or found.is_valid()
        items = found.qs if valid else found.queryset.none()
    if order:
        items = items.order_by(*order)
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Listed(page, query.urlencode(), found, valid)
