"""People API: the same scoping, logging and break-glass rules as the pages."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from vigil.core.api import opened, results
from vigil.people.models import Person
from vigil.people.selectors import open_person, search_people


class PersonSummary(serializers.ModelSerializer):
    id = serializers.CharField(source="ref")

    class Meta:
        model = Person
        fields = ["id", "given_names", "surname", "date_of_birth", "sex"]


class PersonDetail(PersonSummary):
    aliases = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()

    class Meta(PersonSummary.Meta):
        fields = [*PersonSummary.Meta.fields, "aliases", "addresses"]

    def get_aliases(self, obj) -> list[dict]:
        return [{"given_names": a.given_names, "surname": a.surname} for a in obj.aliases.all()]

    def get_addresses(self, obj) -> list[dict]:
        return [{"line1": a.line1, "town": a.town, "postcode": a.postcode, "kind": a.kind}
                for a in obj.addresses.all()]


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied("your role does not allow this")


@extend_schema(operation_id="people_search", parameters=[OpenApiParameter("q", str, description="a name, date of birth or identifier")],
               responses=results("PersonSearch", PersonSummary(many=True),
                                 outside_scope=serializers.IntegerField(
                                     help_text="matches outside your work, not shown")))
@api_view(["GET"])
def people_search(request):
    _require(request, "vigil.search_people")
    results, outside = search_people(actor=request.user, q=request.query_params.get("q", ""))
    return Response({"results": PersonSummary(results, many=True).data, "outside_scope": outside})


@extend_schema(responses=PersonDetail)
@api_view(["GET"])
def person_detail(request, ref: str):
    _require(request, "vigil.view_person")
    return Response(PersonDetail(opened(open_person(actor=request.user, ref=ref), "person")).data)
