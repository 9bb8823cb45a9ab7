from django.db.models import Prefetch, QuerySet

from .models import Actielijn, Programma


def programma_list_with_structure() -> QuerySet[Programma]:
    """Programmes with their pillars and action lines (and each line's pillars)."""
    return Programma.objects.prefetch_related(
        "pijlers",
        Prefetch(
            "actielijnen",
            queryset=Actielijn.objects.prefetch_related("pijlers"),
        ),
    )
