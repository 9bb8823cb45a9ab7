from django.urls import reverse

from beveiliging.constants import Rol


def role(request) -> dict:
    """The signed-in user's role label, and whether they may only read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    names = {group.name for group in user.groups.all()}
    labels = [label for value, label in Rol.choices if value in names]
    if user.is_superuser:
        labels.insert(0, "beheerder")
    read_only = not user.is_superuser and names == {Rol.GRIFFIE.value}
    return {"rol_labels": labels, "alleen_lezen": read_only}


# Main navigation: (label, URL name, app namespace that marks it current).
NAVIGATION = [
    ("Dashboard", "home", ""),
    ("Programma", "programma-list", "programma-"),
    ("Acties", "acties:actie-list", "acties:actie-"),
    ("Raadsopdrachten", "acties:raadsopdracht-list", "acties:raadsopdracht-"),
    ("Wat komt eraan", "acties:wat-komt-eraan", "acties:wat-komt-eraan"),
    ("Vergaderingen", "acties:vergadering-list", "acties:vergadering-"),
    ("Organisaties", "acties:organisatie-list", "acties:organisatie-"),
    ("Historie", "historie", "historie"),
    ("Peildatum", "peildatum", "peildatum"),
    ("Vergelijken", "vergelijk", "vergelijk"),
    ("Evaluaties", "evaluatie:list", "evaluatie:"),
]


def navigation(request) -> dict:
    """The main menu, with the item of the current section marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items = []
    for label, url_name, section in NAVIGATION:
        is_current = current == url_name or bool(
            section and current.startswith(section)
        )
        items.append({"label": label, "url": reverse(url_name), "current": is_current})
    if user.is_staff:
        items.append(
            {"label": "Beheer", "url": reverse("admin:index"), "current": False}
        )
    return {"nav_items": items}
