from django.db.models import QuerySet

from .models import Programma


def programma_list() -> QuerySet[Programma]:
    """Programmes, the one that started most recently first."""
    return Programma.objects.order_by("-periode_start", "titel")
