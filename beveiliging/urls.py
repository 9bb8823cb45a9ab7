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
    path(
        "beheer/tweestapsverificatie/",
        views.RolbeleidUpdateView.as_view(),
        name="rolbeleid",
    ),
]
