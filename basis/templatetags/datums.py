from django import template

from basis.dates import short_date

register = template.Library()


@register.filter
def kort(day) -> str:
    """``{{ day|kort }}``: "1 okt. 2025"; "–" without a date."""
    return short_date(day) if day else "–"
