"""Filling in a page's form as a browser would, for tests that post it back."""

import html.parser


class _FormReader(html.parser.HTMLParser):
    """The successful controls of the page's POST forms, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._textarea = None
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._in_form = True
            self.forms.append([])
            return
        if not self._in_form:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append(
                (name, attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": []}
            self._first = None
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": ""}
            if "selected" in attrs:
                self._option["selected"] = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # The HTML parser keeps the newline that browsers drop after <textarea>.
            self.forms[-1].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else option["text"]
            if self._first is None:
                self._first = value
            if option.get("selected"):
                self._select["chosen"].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"]
            if not chosen and not select["multiple"] and self._first is not None:
                chosen = [self._first]
            for value in chosen:
                self.forms[-1].append((select["name"], value))
            self._select = None


def form_data(page: str, *, index: int = -1) -> dict:
    """The values a browser would post from the page's POST form (the last one
    by default: the page's own form comes after the header's logout form).

    Returns ``{name: value}``, or ``{name: [values]}`` for a name given more
    than once (checkboxes, multiple selects), as Django's test client takes it.
    """
    reader = _FormReader()
    reader.feed(page)
    data: dict = {}
    for name, value in reader.forms[index]:
        if name in data:
            if not isinstance(data[name], list):
                data[name] = [data[name]]
            data[name].append(value)
        else:
            data[name] = value
    return data


def opened_form(client, url: str) -> dict:
    """GET ``url`` and return what its form would post unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_data(response.content.decode())
