from django.urls import path

from . import import_views, views

app_name = "acties"

urlpatterns = [
    path("acties/", views.ActieListView.as_view(), name="actie-list"),
    path("acties/export.csv", views.ActieExportView.as_view(), name="actie-export"),
    path("acties/nieuw/", views.ActieCreateView.as_view(), name="actie-create"),
    path("acties/importeren/", import_views.ImportView.as_view(), name="import"),
    path(
        "acties/importeren/sjabloon-<slug:kind>.<slug:fmt>",
        import_views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(
        "programmas/<int:pk>/export.<slug:fmt>",
        import_views.ProgrammaExportView.as_view(),
        name="programma-export",
    ),
    path("acties/<int:pk>/", views.ActieDetailView.as_view(), name="actie-detail"),
    path(
        "acties/<int:pk>/bewerken/",
        views.ActieUpdateView.as_view(),
        name="actie-update",
    ),
    path(
        "acties/<int:pk>/voortgang/nieuw/",
        views.VoortgangsupdateCreateView.as_view(),
        name="voortgangsupdate-create",
    ),
    path(
        "voortgangsupdates/<int:pk>/bewerken/",
        views.VoortgangsupdateUpdateView.as_view(),
        name="voortgangsupdate-update",
    ),
    path(
        "acties/<int:pk>/indicatoren/nieuw/",
        views.IndicatorCreateView.as_view(),
        name="indicator-create",
    ),
    path(
        "indicatoren/<int:pk>/bewerken/",
        views.IndicatorUpdateView.as_view(),
        name="indicator-update",
    ),
    path(
        "indicatoren/<int:pk>/metingen/nieuw/",
        views.MetingCreateView.as_view(),
        name="meting-create",
    ),
    path(
        "metingen/<int:pk>/bewerken/",
        views.MetingUpdateView.as_view(),
        name="meting-update",
    ),
    path(
        "acties/<int:pk>/koppelen/",
        views.KoppelingCreateView.as_view(from_side="actie"),
        name="actie-koppelen",
    ),
    path(
        "raadsopdrachten/<int:pk>/koppelen/",
        views.KoppelingCreateView.as_view(from_side="raadsopdracht"),
        name="raadsopdracht-koppelen",
    ),
    path(
        "koppelingen/<int:pk>/verwijderen/",
        views.KoppelingDeleteView.as_view(),
        name="koppeling-delete",
    ),
    path(
        "raadsopdrachten/",
        views.RaadsopdrachtListView.as_view(),
        name="raadsopdracht-list",
    ),
    path(
        "raadsopdrachten/export.csv",
        views.RaadsopdrachtExportView.as_view(),
        name="raadsopdracht-export",
    ),
    path(
        "raadsopdrachten/nieuw/",
        views.RaadsopdrachtCreateView.as_view(),
        name="raadsopdracht-create",
    ),
    path(
        "raadsopdrachten/<int:pk>/",
        views.RaadsopdrachtDetailView.as_view(),
        name="raadsopdracht-detail",
    ),
    path(
        "raadsopdrachten/<int:pk>/bewerken/",
        views.RaadsopdrachtUpdateView.as_view(),
        name="raadsopdracht-update",
    ),
    path(
        "raadsopdrachten/<int:pk>/afdoening-voorstellen/",
        views.RaadsopdrachtProposeView.as_view(),
        name="raadsopdracht-propose",
    ),
    path(
        "raadsopdrachten/<int:pk>/afdoen/",
        views.RaadsopdrachtSettleView.as_view(),
        name="raadsopdracht-settle",
    ),
    path("organisaties/", views.OrganisatieListView.as_view(), name="organisatie-list"),
    path(
        "organisaties/nieuw/",
        views.OrganisatieCreateView.as_view(),
        name="organisatie-create",
    ),
    path(
        "organisaties/<int:pk>/bewerken/",
        views.OrganisatieUpdateView.as_view(),
        name="organisatie-update",
    ),
]
