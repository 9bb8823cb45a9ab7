from django.urls import path

from . import views

app_name = "beveiliging"

urlpatterns = [
    path(
        "account/tweestapsverificatie/",
        views.TweestapsView.as_view(),
        name="tweestaps",
    ),
    path(
        "account/tweestapsverificatie/verwijderen/",
        views.TweestapsDeleteView.as_view(),
        name="tweestaps-delete",
    ),
    path(
        "account/tweestapsverificatie/reservecodes/",
        views.ReservecodesCreateView.as_view(),
        name="reservecodes",
    ),
    path("account/verifieren/", views.TweestapsVerifyView.as_view(), name="verify"),
    path("account/api-tokens/", views.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "account/api-tokens/<int:pk>/intrekken/",
        views.ApiTokenRevokeView.as_view(),
        name="api-token-revoke",
    ),
    path(
        "beheer/tweestapsverificatie/",
        views.RolbeleidUpdateView.as_view(),
        name="rolbeleid",
    ),
]
