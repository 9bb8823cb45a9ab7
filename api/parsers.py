"""JSON in: DRF's parser, also when the body nests deeper than Python will
follow (a RecursionError, which DRF lets through as a 500)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("De JSON is te diep genest.")) from None
