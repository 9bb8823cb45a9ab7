"""Rendered forms kept in the cache while the recorded data stays the same.

A list's filter form offers every programme, organisation and mandate as a
choice: at national scale (300 programmes) rendering it cost more than the
rest of the page. Its HTML depends only on the form's class, the values
asked for (the query string) and the data the choices come from, which the
history's generation covers (``historie.cache``); so it is rendered once per
generation and query, for everyone.
"""

from urllib.parse import urlencode

from django import template
from django.utils.safestring import mark_safe

from historie.cache import cached_fragment, fragment_key

register = template.Library()


@register.simple_tag
def cached_form(form):
    data = form.data
    values = sorted(
        (name, value)
        for name in data
        for value in (data.getlist(name) if hasattr(data, "getlist") else [data[name]])
    )
    kind = f"{type(form).__module__}.{type(form).__qualname__}"
    key = fragment_key("form", kind, form.prefix or "", urlencode(values))
    return mark_safe(cached_fragment(key, lambda: {"html": str(form)})["html"])  # noqa: S308 - the form's own HTML, escaped by Django when it was rendered
