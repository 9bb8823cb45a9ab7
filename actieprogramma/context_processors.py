from .constants import Rol


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
