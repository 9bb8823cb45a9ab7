from django.urls import path

from . import views

app_name = "taken"

urlpatterns = [
    path("taken/", views.TaakListView.as_view(), name="list"),
    path("taken/<int:pk>/", views.TaakDetailView.as_view(), name="detail"),
    path("taken/<int:pk>/status/", views.TaakStatusView.as_view(), name="status"),
    path("taken/<int:pk>/bestand/", views.TaakBestandView.as_view(), name="bestand"),
]
