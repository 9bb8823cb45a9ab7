from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from . import public, views
from .docs import ApiDocsView
from .fallback import not_found

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("programmas", views.ProgrammaViewSet, basename="programma")
router.register("pijlers", views.PijlerViewSet, basename="pijler")
router.register("actielijnen", views.ActielijnViewSet, basename="actielijn")
router.register("organisaties", views.OrganisatieViewSet, basename="organisatie")
router.register("acties", views.ActieViewSet, basename="actie")
router.register(
    "voortgangsupdates", views.VoortgangsupdateViewSet, basename="voortgangsupdate"
)
router.register("indicatoren", views.IndicatorViewSet, basename="indicator")
router.register("metingen", views.MetingViewSet, basename="meting")
router.register("raadsopdrachten", views.RaadsopdrachtViewSet, basename="raadsopdracht")
router.register("koppelingen", views.KoppelingViewSet, basename="koppeling")
router.register("vergaderingen", views.VergaderingViewSet, basename="vergadering")
router.register("evaluaties", views.EvaluatieViewSet, basename="evaluatie")
router.register("opmerkingen", views.OpmerkingViewSet, basename="opmerking")
public.register(router)

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", ApiDocsView.as_view(), name="docs"),
    *router.urls,
    # Anything else under /api/v1/: a problem, not the site's HTML page.
    re_path(r"^.*$", not_found, name="not-found"),
]
