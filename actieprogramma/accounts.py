"""Creating accounts with a role (the roles are groups made by a migration)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from beveiliging.constants import Rol


@transaction.atomic
def user_create_with_role(
    *,
    username: str,
    password: str,
    role: Rol,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
):
    """Create a user in the group of ``role``; coordinators get the admin."""
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Rol.COORDINATOR,
    )
    user.groups.add(Group.objects.get(name=role.value))
    return user
