import io

import pytest
from django.core.management import call_command

from acties.models import Actie, Raadsopdracht, Voortgangsupdate
from historie.records import tracked_models
from pijlers.models import Programma

pytestmark = pytest.mark.django_db


def generate(**options):
    out = io.StringIO()
    call_command("generate_data", stdout=out, **options)
    return out.getvalue()


def test_generate_data_writes_programmes_with_history_spread_over_time():
    output = generate(programmes=2, actions_per_programme=20, updates_per_action=3)
    assert "Added 2 programmes, 40 actions" in output
    assert Programma.objects.filter(slug__startswith="synthetisch-").count() == 2
    assert Actie.objects.count() == 40
    assert Raadsopdracht.objects.count() == 10
    assert Voortgangsupdate.objects.count() > 0
    actie = Actie.objects.filter(voortgang__gt=0).first()
    dates = sorted(actie.history.values_list("history_date", flat=True))
    assert len(dates) > 1 and dates[0] < dates[-1]  # changes over the period
    for model in tracked_models():
        assert not model.history.filter(history_user__isnull=True).exists()
        assert not model.history.filter(history_change_reason="").exists()
    # Current state and newest history row agree.
    newest = actie.history.order_by("-history_date", "-history_id").first()
    assert (newest.status, newest.voortgang) == (actie.status, actie.voortgang)


def test_generate_data_leaves_existing_programmes_alone():
    generate(programmes=1, actions_per_programme=5, updates_per_action=1)
    rows = sum(model.history.count() for model in tracked_models())
    output = generate(programmes=1, actions_per_programme=5, updates_per_action=1)
    assert "Added 0 programmes" in output
    assert sum(model.history.count() for model in tracked_models()) == rows
