from django.urls import path

from acties.remark_views import OpmerkingCreateView

from . import views
from .models import Tussenevaluatie

app_name = "evaluatie"

urlpatterns = [
    path("evaluaties/", views.TussenevaluatieListView.as_view(), name="list"),
    path("evaluaties/nieuw/", views.TussenevaluatieCreateView.as_view(), name="create"),
    path(
        "evaluaties/<int:pk>/", views.TussenevaluatieDetailView.as_view(), name="detail"
    ),
    path(
        "evaluaties/<int:pk>/bewerken/",
        views.TussenevaluatieUpdateView.as_view(),
        name="update",
    ),
    path(
        "evaluaties/<int:pk>/voorbeeld/",
        views.TussenevaluatiePreviewView.as_view(),
        name="preview",
    ),
    path(
        "evaluaties/<int:pk>/pdf/", views.TussenevaluatiePdfView.as_view(), name="pdf"
    ),
    path(
        "evaluaties/<int:pk>/pdf/maken/",
        views.TussenevaluatiePdfJobView.as_view(),
        name="pdf-job",
    ),
    path(
        "evaluaties/<int:pk>/opmerkingen/nieuw/",
        OpmerkingCreateView.as_view(model=Tussenevaluatie),
        name="opmerking-create",
    ),
    path(
        "evaluaties/<int:pk>/definitief/",
        views.TussenevaluatieFinaliseView.as_view(),
        name="finalise",
    ),
]
