import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction

from beveiliging.models import Rolbeleid
from historie.records import tracked_models

pytestmark = pytest.mark.django_db


def test_role_policy_has_audit_history():
    assert Rolbeleid in tracked_models()


def test_coordinators_and_only_they_may_set_the_role_policy(
    coordinator, beleidsmedewerker, griffie
):
    assert coordinator.has_perm("beveiliging.manage_rolbeleid")
    assert not beleidsmedewerker.has_perm("beveiliging.manage_rolbeleid")
    assert not griffie.has_perm("beveiliging.manage_rolbeleid")
    assert Group.objects.get(name="coordinator").permissions.filter(
        codename="manage_rolbeleid"
    )


@pytest.mark.postgresql
def test_the_role_policys_history_is_append_only(require_for):
    require_for("griffie")
    table = Rolbeleid.history.model._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    assert Rolbeleid.history.count() == 1
