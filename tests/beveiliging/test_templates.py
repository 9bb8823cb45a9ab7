"""Every page of the second factor: a label for every input, the shared includes,
and nothing that the Content Security Policy would refuse."""

import html.parser
from pathlib import Path

import pytest
from django.urls import reverse

from beveiliging.session import PENDING_KEY_SESSION_KEY
from tests.beveiliging.conftest import code_for, code_for_key

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "beveiliging" / "templates"
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageCheck(html.parser.HTMLParser):
    """Inputs without a label, and inline code that a strict CSP refuses."""

    def __init__(self):
        super().__init__()
        self.label_for = set()
        self.label_depth = 0
        self.controls = []  # (id, wrapped in a label)
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if (
            tag in {"input", "select", "textarea"}
            and attrs.get("type", "text") not in UNLABELLED_TYPES
        ):
            self.controls.append((attrs.get("id"), self.label_depth > 0))
        if (tag == "script" and "src" not in attrs) or tag == "style":
            self.inline.append(f"<{tag}>")
        if "style" in attrs:
            self.inline.append(f"style on <{tag}>")
        self.inline += [f"{name} on <{tag}>" for name in attrs if name.startswith("on")]

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def unlabelled(self) -> list:
        return [
            control_id
            for control_id, wrapped in self.controls
            if not wrapped and control_id not in self.label_for
        ]


def check(response) -> PageCheck:
    assert response.status_code == 200
    page = PageCheck()
    page.feed(response.content.decode())
    assert page.unlabelled() == []
    assert page.inline == []
    return page


def test_pages_before_an_app_is_set_up(client, coordinator):
    client.force_login(coordinator)
    for name in [
        "beveiliging:tweestaps",
        "beveiliging:tweestaps-delete",
        "beveiliging:reservecodes",
        "beveiliging:verify",
    ]:
        check(client.get(reverse(name)))
    page = check(client.get(reverse("beveiliging:rolbeleid")))
    # Three roles and the reason; the header's search box (id_q) besides.
    assert len([c for c in page.controls if c[0] != "id_q"]) == 4
    response = client.post(reverse("beveiliging:tweestaps"), {"code": "1"})
    assert "Het formulier is niet opgeslagen" in response.content.decode()
    check(response)
    key = client.session[PENDING_KEY_SESSION_KEY]
    check(client.post(reverse("beveiliging:tweestaps"), {"code": code_for_key(key)}))


def test_pages_with_an_app(client, coordinator, make_device):
    device = make_device(coordinator, codes=True)
    client.force_login(coordinator)
    page = check(client.get(reverse("beveiliging:verify")))
    assert [control_id for control_id, _wrapped in page.controls] == ["id_code"]
    check(client.post(reverse("beveiliging:verify"), {"code": "999999"}))
    device.refresh_from_db()
    device.throttle_reset()  # as if the wait after the wrong code were over
    client.post(
        reverse("beveiliging:verify"), {"code": code_for(device, offset_steps=1)}
    )
    for name in [
        "beveiliging:tweestaps",
        "beveiliging:tweestaps-delete",
        "beveiliging:reservecodes",
    ]:
        check(client.get(reverse(name)))
    check(client.post(reverse("beveiliging:reservecodes")))


@pytest.mark.parametrize(
    "template",
    sorted(
        path.name
        for path in (TEMPLATES / "beveiliging").glob("*.html")
        if not path.name.startswith("_")
    ),
)
def test_pages_extend_the_base_and_forms_use_the_shared_includes(template):
    source = (TEMPLATES / "beveiliging" / template).read_text()
    assert source.startswith('{% extends "base.html" %}')
    if "<form" in source or "includes/form.html" in source:
        assert (
            '{% include "includes/form.html"' in source
            or '{% include "includes/form_errors.html" %}' in source
        )
    # Fields render through the project's NL Design System form templates.
    assert "<input" not in source and "<label" not in source
