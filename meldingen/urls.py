from django.urls import path

from . import views

app_name = "meldingen"

urlpatterns = [
    path("account/meldingen/", views.VoorkeurenView.as_view(), name="voorkeuren"),
]
