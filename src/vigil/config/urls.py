"""URLs. Each module owns its own ``urls.py`` (and ``api.py``); this file only mounts them."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from vigil.accounts import schema as _api_auth_descriptions  # noqa: F401 - registers them with the schema
from vigil.core import urls as audit_urls
from vigil.interchange import urls as interchange_urls
from vigil.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("health/", web_views.health, name="health"),
    path("jobs/<uuid:job_id>/", web_views.job, name="job"),
    path("pick/<str:kind>/", web_views.pick, name="pick"),
    path("", include("vigil.accounts.urls")),
    path("people/", include("vigil.people.urls")),
    # The auditor's menu: the access log and break-glass review (core) and the export (the interchange).
    path("audit/", include(([*audit_urls.urlpatterns, *interchange_urls.urlpatterns], "audit"))),
    path("offenders/", include("vigil.offenders.urls")),
    path("crimes/", include("vigil.investigations.urls")),
    path("standards/", include("vigil.standards.urls")),
    path("missing/", include("vigil.missing.urls")),
    path("assurance/", include("vigil.assurance.urls")),
    path("work/", include("vigil.work.urls")),
    path("governance/", include("vigil.governance.urls")),
    path("api/", include("vigil.web.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(custom_settings={"POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums", "vigil.core.api.error_responses"]}), name="api-schema"),
    path("admin/", admin.site.urls),
]
