"""Cursor pagination for every list: the next page is a link, stable while
records are added, and as fast on page 1,000 as on page 1."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 100
    page_size_query_param = "aantal"
    max_page_size = 500
    ordering = "id"
    cursor_query_param = "cursor"
    cursor_query_description = _("De cursor van de volgende of vorige pagina.")
    page_size_query_description = _("Het aantal records per pagina (1 tot 500).")

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdecimal() or not 1 <= int(value) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Geef een aantal van 1 tot en met %(max)s.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters

    def decode_cursor(self, request):
        """A cursor this API made, or 404 (no such page), as DRF answers a
        cursor it cannot read: DRF's own check lets a made-up position
        through to the query (a 500)."""
        raw = request.query_params.get(self.cursor_query_param)
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            cursor = None
            position_ok = False
        else:
            position_ok = (
                cursor is None
                or cursor.position is None
                or (
                    str(cursor.position).isascii()
                    and str(cursor.position).isdecimal()
                    and len(str(cursor.position)) <= 18
                )
            )
        if raw is not None and (cursor is None or not position_ok):
            raise exceptions.NotFound(
                _("Deze cursor wijst geen pagina aan; volg de link 'next' of "
                  "'previous' van een eerdere pagina.")
            )  # fmt: skip
        return cursor
