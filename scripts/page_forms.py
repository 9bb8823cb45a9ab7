"""What a browser would send: the fields of a form on a page, its CSRF token,
the ids of the records a page links to. For the load and cluster scripts."""

import re
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields a browser would send with the first form that posts to
    ``action`` (the page's own path): inputs, text areas, selects."""

    def __init__(self, action: str | None = None):
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields: dict[str, object] = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done:
            # The form that posts to the page itself (no action, an empty one,
            # or the page's own path), not the search or the logout form.
            self.inside = a.get("action") in (None, "", self.action)
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [] if "multiple" in a else "")
        elif tag == "option" and self._select and "selected" in a:
            value = a.get("value", "")
            current = self.fields[self._select]
            if isinstance(current, list):
                current.append(value)
            else:
                self.fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, action: str | None = None) -> dict:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def ids(html: str, prefix: str) -> list[int]:
    return sorted({int(n) for n in re.findall(rf'href="/{prefix}/(\d+)/"', html)})
