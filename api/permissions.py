"""What a caller may do: the owner's role permissions, exactly as in the
browser, within the token's scope (a read token reads)."""

from django.utils.translation import gettext as _
from rest_framework import permissions

from beveiliging.models import ApiToken


def _model_perm(model, action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


class RolePermission(permissions.BasePermission):
    """Reading needs the model's view permission; writing the permission the
    view names (``write_permission``, default ``change_<model>``) and a
    token with the write scope. Object-level rules are the views' own."""

    message = _("Uw rol of uw token geeft geen toegang tot deze bewerking.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = view.get_queryset().model
        if request.method in permissions.SAFE_METHODS:
            return user.has_perm(_model_perm(model, "view"))
        token = request.auth
        if isinstance(token, ApiToken) and not token.kan_schrijven:
            self.message = _("Dit token mag alleen lezen.")
            return False
        needed = view.write_permissions(request)
        return all(user.has_perm(p) for p in needed)
