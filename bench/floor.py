"""The floor of a list page on this machine: a plain Django ``ListView`` of 50
actions with ``select_related`` and a minimal template, served through the same
middleware as every page. ``bench.pages`` serves it beside the application's
URLs (this module is its URLconf while it measures) and gives every page's
time as a ratio to it."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.generic import ListView

from actieprogramma.urls import urlpatterns as application

TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="nl"><head><title>Acties</title></head><body>'
    "<table>{% for a in object_list %}<tr><td>{{ a.code }}</td>"
    "<td>{{ a.titel }}</td><td>{{ a.actielijn.naam }}</td>"
    "<td>{{ a.trekker.naam }}</td><td>{{ a.get_status_display }}</td></tr>"
    "{% endfor %}</table></body></html>"
)


class Floor(ListView):
    paginate_by = 50

    def get_queryset(self):
        from acties.models import Actie

        return Actie.objects.select_related("actielijn", "trekker").order_by("pk")

    def render_to_response(self, context, **response_kwargs):
        return HttpResponse(TEMPLATE.render(context, self.request))


urlpatterns = [path("bench/vloer/", Floor.as_view()), *application]
