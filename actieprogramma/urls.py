from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import public_views, views

handler403 = "actieprogramma.errors.permission_denied"
handler500 = "actieprogramma.errors.server_error"

admin.site.site_header = _("Actieprogramma-tracker – beheer")
admin.site.site_title = _("Actieprogramma-tracker")
admin.site.index_title = _("Beheer")

urlpatterns = [
    path("", views.DashboardView.as_view(), name="home"),
    path("programmas/", views.ProgrammaListView.as_view(), name="programma-list"),
    path(
        "programmas/<int:pk>/",
        views.ProgrammaDetailView.as_view(),
        name="programma-detail",
    ),
    path(
        "programmas/<int:pk>/openbaar/",
        public_views.ProgrammaOpenbaarView.as_view(),
        name="programma-openbaar",
    ),
    # Without login, and only when a coordinator switched it on.
    path(
        "openbaar/<slug:slug>/",
        public_views.PublicProgrammaView.as_view(),
        name="openbaar",
    ),
    path(
        "openbaar/<slug:slug>/documenten/<int:pk>/<str:naam>",
        public_views.PublicDocumentView.as_view(),
        name="openbaar-document",
    ),
    path(
        "openbaar/<slug:slug>/open-data.<slug:fmt>",
        public_views.PublicOpenDataView.as_view(),
        name="openbaar-data",
    ),
    path("api/v1/", include("api.urls")),
    path("", include("acties.urls")),
    path("", include("evaluatie.urls")),
    path("", include("taken.urls")),
    path("", include("meldingen.urls")),
    path("", include("beveiliging.urls")),
    path("", include("beveiliging.oidc_urls")),
    path("historie/", views.HistorieView.as_view(), name="historie"),
    path(
        "historie/export.csv",
        views.HistorieExportView.as_view(),
        name="historie-export",
    ),
    path(
        "historie/<slug:soort>/<int:pk>/",
        views.RecordHistoryView.as_view(),
        name="record-history",
    ),
    path("peildatum/", views.PeildatumView.as_view(), name="peildatum"),
    path("zoeken/", views.ZoekenView.as_view(), name="zoeken"),
    path("vergelijk/", views.VergelijkView.as_view(), name="vergelijk"),
    # Outside the request transaction: it must answer when the database cannot.
    path(
        "health/",
        transaction.non_atomic_requests(views.HealthView.as_view()),
        name="health",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
