"""The state at any moment and the differences between moments, from history.

A property-based test drives random sequences of creates, edits, link changes
and deletes through the services at increasing times. After each step it
records the state that was actually current; then the reconstruction at every
moment must equal that state, and the comparison between any two moments must
list exactly the differences between the two recorded states.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acties import services
from acties.constants import ActieStatus, RaadsopdrachtStatus
from acties.models import Actie, ActiePartner, Raadsopdracht, RaadsopdrachtActie
from acties.snapshot import compare, end_of_day, programma_state, snapshot_at
from historie.changes import tracked_fields
from historie.records import recorded_at, system_user
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    OrganisatieFactory,
    RaadsopdrachtFactory,
)

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")
START = datetime.datetime(2025, 6, 1, 9, 0, tzinfo=ZONE)
GROUPS = {
    "acties": Actie,
    "raadsopdrachten": Raadsopdracht,
    "koppelingen": RaadsopdrachtActie,
    "actie_partners": ActiePartner,
}


def current_state() -> dict:
    """What the register holds now, in the terms the comparison uses."""
    state = {}
    for group, model in GROUPS.items():
        fields = tracked_fields(model)
        state[group] = {
            obj.pk: {f.name: getattr(obj, f.attname) for f in fields}
            for obj in model.objects.all()
        }
    return state


def reconstructed(snapshot) -> dict:
    state = {}
    for group, model in GROUPS.items():
        fields = tracked_fields(model)
        state[group] = {
            pk: {f.name: getattr(row, f.attname) for f in fields}
            for pk, row in getattr(snapshot, group).items()
        }
    return state


def expected_differences(before: dict, after: dict) -> set:
    found = set()
    for group in GROUPS:
        old, new = before[group], after[group]
        for pk in old.keys() | new.keys():
            if pk not in old:
                found.add((group, pk, "toegevoegd", frozenset()))
            elif pk not in new:
                found.add((group, pk, "verwijderd", frozenset()))
            else:
                changed = frozenset(
                    (name, old[pk][name], new[pk][name])
                    for name in old[pk]
                    if old[pk][name] != new[pk][name]
                )
                if changed:
                    found.add((group, pk, "gewijzigd", changed))
    return found


def listed_differences(comparison) -> set:
    return {
        (
            group,
            d.id,
            d.change,
            frozenset((f.name, f.old, f.new) for f in d.fields),
        )
        for group in GROUPS
        for d in getattr(comparison, group)
    }


operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"),
            st.integers(0, 1),
            st.sampled_from(ActieStatus.values),
            st.integers(0, 100),
        ),
        st.tuples(
            st.just("edit"),
            st.integers(0, 20),
            st.sampled_from(ActieStatus.values),
            st.integers(0, 100),
            st.integers(0, 2),
        ),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("link"), st.integers(0, 20), st.integers(0, 1)),
        st.tuples(st.just("unlink"), st.integers(0, 20)),
        st.tuples(st.just("partners"), st.integers(0, 20), st.integers(0, 3)),
        st.tuples(
            st.just("mandate"),
            st.integers(0, 1),
            st.sampled_from(
                [
                    RaadsopdrachtStatus.OPEN,
                    RaadsopdrachtStatus.IN_UITVOERING,
                    "afdoen",
                ]
            ),
        ),
    ),
    min_size=1,
    max_size=12,
)


def apply(operation, world, user, counter) -> None:
    kind, *args = operation
    acties = list(Actie.objects.order_by("pk"))
    if kind == "create":
        lijn, status, voortgang = args
        counter[0] += 1
        services.actie_create(
            actielijn=world["lijnen"][lijn],
            code=f"9.{counter[0]}",
            titel=f"Actie {counter[0]}",
            status=status,
            voortgang=voortgang,
            user=user,
            reason="Nieuw",
        )
    elif kind == "edit" and acties:
        index, status, voortgang, trekker = args
        actie = acties[index % len(acties)]
        services.actie_update(
            actie=actie,
            versie=actie.versie,
            status=status,
            voortgang=voortgang,
            trekker=world["organisaties"][trekker],
            user=user,
            reason="Bijgewerkt",
        )
    elif kind == "delete" and acties:
        services.actie_delete(
            actie=acties[args[0] % len(acties)], user=user, reason="Vergissing"
        )
    elif kind == "link" and acties:
        actie = acties[args[0] % len(acties)]
        opdracht = world["opdrachten"][args[1]]
        if not RaadsopdrachtActie.objects.filter(
            actie=actie, raadsopdracht=opdracht
        ).exists():
            services.raadsopdracht_actie_link(
                raadsopdracht=opdracht, actie=actie, toelichting="Voert uit", user=user
            )
    elif kind == "unlink":
        links = list(RaadsopdrachtActie.objects.order_by("pk"))
        if links:
            services.raadsopdracht_actie_unlink(
                koppeling=links[args[0] % len(links)], user=user, reason="Onjuist"
            )
    elif kind == "partners" and acties:
        actie = acties[args[0] % len(acties)]
        services.actie_update(
            actie=actie,
            versie=actie.versie,
            partners=world["organisaties"][: args[1]],
            user=user,
            reason="Partners",
        )
    elif kind == "mandate":
        opdracht = Raadsopdracht.objects.get(pk=world["opdrachten"][args[0]].pk)
        if opdracht.status == RaadsopdrachtStatus.AFGEDAAN:
            return
        if args[1] == "afdoen":
            services.raadsopdracht_settle(
                raadsopdracht=opdracht,
                afgedaan_op=datetime.date(2026, 1, 1),
                afdoeningsdocument="RIS1",
                user=user,
                reason="Afgedaan",
            )
        else:
            services.raadsopdracht_update(
                raadsopdracht=opdracht, status=args[1], user=user, reason="Status"
            )


@pytest.fixture
def world(db):
    with recorded_at(START - datetime.timedelta(days=1)):
        lijn = ActielijnFactory(nummer=1)
        return {
            "lijnen": [lijn, ActielijnFactory(programma=lijn.programma, nummer=2)],
            "organisaties": [OrganisatieFactory() for _ in range(3)],
            "opdrachten": [
                RaadsopdrachtFactory(programma=lijn.programma) for _ in range(2)
            ],
        }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=operations)
def test_reconstruction_and_comparison_match_what_was_current(world, operations):
    user = system_user()
    with transaction.atomic():
        moments, states = [START - datetime.timedelta(hours=1)], [current_state()]
        counter = [0]
        for step, operation in enumerate(operations):
            moment = START + datetime.timedelta(hours=step)
            with recorded_at(moment):
                apply(operation, world, user, counter)
            moments.append(moment)
            states.append(current_state())

        snapshots = [snapshot_at(moment) for moment in moments]
        programma_id = world["lijnen"][0].programma_id
        for moment, snapshot, state in zip(moments, snapshots, states, strict=True):
            assert reconstructed(snapshot) == state, moment
            # Scoped to the programme, it reads the same programme.
            assert programma_state(
                snapshot_at(moment, programma_id=programma_id), programma_id
            ) == programma_state(snapshot, programma_id)
            # Halfway to the next step nothing has changed yet.
            later = snapshot_at(moment + datetime.timedelta(minutes=30))
            assert reconstructed(later) == state
        for i in range(len(moments)):
            for j in range(i, len(moments)):
                comparison = compare(
                    moments[i], moments[j], before=snapshots[i], after=snapshots[j]
                )
                assert listed_differences(comparison) == expected_differences(
                    states[i], states[j]
                ), (i, j)
        transaction.set_rollback(True)


def test_a_peildatum_is_the_end_of_that_day_in_amsterdam():
    moment = end_of_day(datetime.date(2025, 3, 30))  # the clocks go forward
    assert moment.astimezone(ZONE).date() == datetime.date(2025, 3, 30)
    assert (moment + datetime.timedelta(microseconds=1)).astimezone(
        ZONE
    ) == datetime.datetime(2025, 3, 31, tzinfo=ZONE)


def test_state_at_a_date_names_who_changed_what_and_why(beleidsmedewerker, world):
    with recorded_at(START):
        actie = services.actie_create(
            actielijn=world["lijnen"][0],
            code="1.1",
            titel="Training",
            user=beleidsmedewerker,
            reason="Nieuw",
        )
    with recorded_at(START + datetime.timedelta(days=10)):
        services.actie_update(
            actie=actie,
            versie=actie.versie,
            status=ActieStatus.VERTRAAGD,
            voortgang=30,
            user=beleidsmedewerker,
            reason="Capaciteit politie",
        )
    first_day = end_of_day(START.date())
    state = programma_state(snapshot_at(first_day), actie.programma_id)
    assert [(a.code, a.status, a.voortgang) for a in state.acties] == [
        ("1.1", "gepland", 0)
    ]
    comparison = compare(first_day, end_of_day(START.date() + datetime.timedelta(10)))
    (difference,) = comparison.status_transitions
    status = difference.field("status")
    assert (status.old_display, status.new_display) == ("gepland", "vertraagd")
    assert [(c.user, c.reason) for c in status.causes] == [
        (beleidsmedewerker.get_full_name(), "Capaciteit politie")
    ]


@pytest.mark.parametrize("size", [1, 50])
def test_reconstruction_queries_do_not_grow_with_actions(world, size):
    lijn = world["lijnen"][0]
    for i in range(size):
        ActieFactory(actielijn=lijn, code=f"1.{i}")
    moment = end_of_day(datetime.date.today())
    with CaptureQueriesContext(connection) as queries:
        programma_state(snapshot_at(moment), lijn.programma_id)
    assert len(queries.captured_queries) == 9  # one per kind of record
