import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from acties import services
from acties.constants import ActieStatus, RaadsopdrachtStatus
from acties.models import Actie, ActiePartner, RaadsopdrachtActie
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    OrganisatieFactory,
    RaadsopdrachtFactory,
    VoortgangsupdateFactory,
)

pytestmark = pytest.mark.django_db


def latest(instance):
    return instance.history.order_by("-history_date", "-history_id").first()


def test_actie_create_writes_history_with_user_and_reason(beleidsmedewerker):
    actielijn = ActielijnFactory()
    partner = OrganisatieFactory()
    actie = services.actie_create(
        actielijn=actielijn,
        code="2.1",
        titel="Voorlichting op scholen",
        partners=[partner],
        user=beleidsmedewerker,
        reason="Nieuwe actie na overleg met scholen",
    )
    assert actie.programma == actielijn.programma
    row = latest(actie)
    assert row.history_type == "+"
    assert row.history_user == beleidsmedewerker
    assert row.history_change_reason == "Nieuwe actie na overleg met scholen"
    # The partner link has its own history row, with the same user and reason.
    link_row = actie.partner_koppelingen.get().history.get()
    assert link_row.history_type == "+"
    assert link_row.history_user == beleidsmedewerker
    assert link_row.history_change_reason == "Nieuwe actie na overleg met scholen"


def test_actie_update_records_old_and_new_values_and_bumps_version(beleidsmedewerker):
    actie = ActieFactory(status=ActieStatus.GEPLAND, voortgang=0)
    saved = services.actie_update(
        actie=actie,
        versie=1,
        status=ActieStatus.LOPEND,
        voortgang=30,
        user=beleidsmedewerker,
        reason="Gestart met de eerste scholen",
    )
    # The service returns the action as stored; the caller's copy is untouched.
    assert (saved.status, saved.voortgang, saved.versie) == ("lopend", 30, 2)
    assert (actie.status, actie.versie) == (ActieStatus.GEPLAND, 1)
    actie.refresh_from_db()
    assert (actie.status, actie.voortgang, actie.versie) == ("lopend", 30, 2)
    new, old = actie.history.order_by("-history_date", "-history_id")[:2]
    delta = new.diff_against(old)
    assert {c.field: (c.old, c.new) for c in delta.changes} == {
        "status": ("gepland", "lopend"),
        "voortgang": (0, 30),
    }
    assert (old.versie, new.versie) == (1, 2)
    assert new.history_user == beleidsmedewerker
    assert new.history_change_reason == "Gestart met de eerste scholen"


def test_stale_edit_is_refused_and_first_edit_is_kept(beleidsmedewerker, coordinator):
    actie = ActieFactory(voortgang=0)
    services.actie_update(
        actie=Actie.objects.get(pk=actie.pk),
        versie=1,
        voortgang=40,
        user=beleidsmedewerker,
        reason="Eerste bewerking",
    )
    history_before = actie.history.count()
    with pytest.raises(services.StaleVersionError) as excinfo:
        services.actie_update(
            actie=Actie.objects.get(pk=actie.pk),
            versie=1,  # what the second editor saw
            voortgang=10,
            user=coordinator,
            reason="Tweede bewerking",
        )
    assert "intussen door iemand anders gewijzigd" in excinfo.value.messages[0]
    actie.refresh_from_db()
    assert actie.voortgang == 40
    assert actie.versie == 2
    assert actie.history.count() == history_before


def test_update_without_changes_writes_no_history(beleidsmedewerker):
    actie = ActieFactory(titel="Ongewijzigd")
    before = actie.history.count()
    saved = services.actie_update(
        actie=actie,
        versie=actie.versie,
        titel="Ongewijzigd",
        user=beleidsmedewerker,
        reason="Opnieuw opgeslagen",
    )
    assert saved.versie == actie.versie
    assert actie.history.count() == before


def test_a_change_needs_a_reason(beleidsmedewerker):
    actie = ActieFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.actie_update(
            actie=actie, versie=1, status="lopend", user=beleidsmedewerker, reason="  "
        )
    assert excinfo.value.message_dict["reden"] == [
        "Geef een reden voor deze wijziging."
    ]
    actie.refresh_from_db()
    assert actie.status == ActieStatus.GEPLAND


def test_invalid_update_changes_nothing(beleidsmedewerker):
    actie = ActieFactory(voortgang=20)
    before = actie.history.count()
    with pytest.raises(ValidationError):
        services.actie_update(
            actie=actie,
            versie=1,
            voortgang=120,
            user=beleidsmedewerker,
            reason="Te veel",
        )
    actie.refresh_from_db()
    assert actie.voortgang == 20
    assert actie.history.count() == before


def test_partner_changes_leave_link_history(beleidsmedewerker):
    politie, om = OrganisatieFactory(naam="Politie"), OrganisatieFactory(naam="OM")
    actie = ActieFactory()
    services.actie_update(
        actie=actie, versie=1, partners=[politie], user=beleidsmedewerker, reason="A"
    )
    services.actie_update(
        actie=actie, versie=2, partners=[om], user=beleidsmedewerker, reason="Wissel"
    )
    assert list(actie.partners.all()) == [om]
    rows = actie.partner_koppelingen.model.history.filter(actie=actie).order_by(
        "history_id"
    )
    assert [(r.organisatie.naam, r.history_type) for r in rows] == [
        ("Politie", "+"),
        ("Politie", "-"),
        ("OM", "+"),
    ]
    assert rows.last().history_change_reason == "Wissel"
    assert Actie.objects.get(pk=actie.pk).versie == 3


def test_progress_update_records_author(beleidsmedewerker):
    actie = ActieFactory()
    update = services.voortgangsupdate_create(
        actie=actie,
        datum=datetime.date(2026, 3, 1),
        tekst="Eerste bijeenkomst gehouden.",
        user=beleidsmedewerker,
    )
    assert update.auteur == beleidsmedewerker
    row = latest(update)
    assert row.history_user == beleidsmedewerker
    assert row.history_change_reason == "Voortgangsupdate toegevoegd"

    services.voortgangsupdate_update(
        voortgangsupdate=update,
        tekst="Eerste bijeenkomst gehouden met 20 hotels.",
        user=beleidsmedewerker,
        reason="Aantal aangevuld",
    )
    assert latest(update).history_change_reason == "Aantal aangevuld"


def test_indicator_and_measurement_services_write_history(beleidsmedewerker):
    indicator = services.indicator_create(
        actie=ActieFactory(),
        naam="Gecertificeerde hotels",
        eenheid="hotels",
        nulwaarde=Decimal(3),
        streefwaarde=Decimal(60),
        user=beleidsmedewerker,
        reason="Indicator uit het actieprogramma",
    )
    meting = services.meting_create(
        indicator=indicator,
        datum=datetime.date(2026, 6, 30),
        waarde=Decimal(17),
        user=beleidsmedewerker,
        reason="Halfjaarcijfer",
    )
    services.meting_update(
        meting=meting, waarde=Decimal(18), user=beleidsmedewerker, reason="Correctie"
    )
    services.indicator_update(
        indicator=indicator,
        streefwaarde=Decimal(80),
        user=beleidsmedewerker,
        reason="Streefwaarde verhoogd",
    )
    assert [
        r.history_change_reason for r in indicator.history.order_by("history_id")
    ] == [
        "Indicator uit het actieprogramma",
        "Streefwaarde verhoogd",
    ]
    assert [r.history_change_reason for r in meting.history.order_by("history_id")] == [
        "Halfjaarcijfer",
        "Correctie",
    ]
    assert {r.history_user for r in meting.history.all()} == {beleidsmedewerker}


def test_organisation_services_write_history(beleidsmedewerker):
    organisatie = services.organisatie_create(
        naam="CoMensha", soort="ngo", user=beleidsmedewerker, reason="Nieuwe partner"
    )
    services.organisatie_update(
        organisatie=organisatie, afkorting="CM", user=beleidsmedewerker, reason="Afk."
    )
    assert [r.history_type for r in organisatie.history.order_by("history_id")] == [
        "+",
        "~",
    ]


def test_mandate_settlement_workflow_leaves_history(beleidsmedewerker, griffie):
    opdracht = services.raadsopdracht_create(
        soort="motie",
        nummer="H.4",
        titel="Slachtoffers mensenhandel beter re-integreren",
        ris_nummer="RIS302261",
        user=griffie,
        reason="Aangenomen motie geregistreerd",
    )
    services.raadsopdracht_propose_settlement(
        raadsopdracht=opdracht,
        toelichting="Opgenomen in actie 5.1 van het actieprogramma.",
        user=beleidsmedewerker,
    )
    assert opdracht.status == RaadsopdrachtStatus.AFDOENING_VOORGESTELD
    with pytest.raises(ValidationError) as excinfo:
        services.raadsopdracht_settle(
            raadsopdracht=opdracht,
            afgedaan_op=None,
            afdoeningsdocument="",
            user=griffie,
        )
    assert set(excinfo.value.message_dict) == {"afgedaan_op", "afdoeningsdocument"}
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.AFDOENING_VOORGESTELD

    services.raadsopdracht_settle(
        raadsopdracht=opdracht,
        afgedaan_op=datetime.date(2019, 7, 2),
        afdoeningsdocument="BOW/2019.171",
        user=griffie,
    )
    rows = list(opdracht.history.order_by("history_id"))
    assert [(r.status, r.history_user, r.history_change_reason) for r in rows] == [
        ("open", griffie, "Aangenomen motie geregistreerd"),
        (
            "afdoening_voorgesteld",
            beleidsmedewerker,
            "Afdoening voorgesteld: Opgenomen in actie 5.1 van het actieprogramma.",
        ),
        ("afgedaan", griffie, "Afgedaan met BOW/2019.171"),
    ]


def test_proposing_settlement_needs_an_explanation(beleidsmedewerker):
    opdracht = RaadsopdrachtFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.raadsopdracht_propose_settlement(
            raadsopdracht=opdracht, toelichting=" ", user=beleidsmedewerker
        )
    assert "afdoening_toelichting" in excinfo.value.message_dict
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.OPEN


def test_register_edit_cannot_settle_without_the_settle_service(griffie):
    opdracht = RaadsopdrachtFactory()
    with pytest.raises(ValidationError):
        services.raadsopdracht_update(
            raadsopdracht=opdracht, status="afgedaan", user=griffie, reason="Klaar"
        )
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.OPEN


def test_reopening_a_settled_mandate_clears_its_settlement_date(griffie):
    opdracht = RaadsopdrachtFactory()
    services.raadsopdracht_settle(
        raadsopdracht=opdracht,
        afgedaan_op=datetime.date(2026, 1, 1),
        afdoeningsdocument="RIS1",
        user=griffie,
    )
    services.raadsopdracht_update(
        raadsopdracht=opdracht, status="in_uitvoering", user=griffie, reason="Heropend"
    )
    opdracht.refresh_from_db()
    assert opdracht.afgedaan_op is None
    assert latest(opdracht).history_change_reason == "Heropend"


def test_mandate_action_link_has_its_own_history(beleidsmedewerker, griffie):
    opdracht = RaadsopdrachtFactory(nummer="H.4", programmaoverstijgend=True)
    actie = ActieFactory(code="5.1")
    link = services.raadsopdracht_actie_link(
        raadsopdracht=opdracht,
        actie=actie,
        toelichting="Deze actie voert de motie uit.",
        user=beleidsmedewerker,
    )
    link_pk = link.pk
    services.raadsopdracht_actie_unlink(
        koppeling=link, user=griffie, reason="Verkeerde actie gekoppeld"
    )
    assert not RaadsopdrachtActie.objects.filter(pk=link_pk).exists()
    rows = RaadsopdrachtActie.history.filter(id=link_pk).order_by("history_id")
    assert [
        (r.history_type, r.history_user, r.history_change_reason, r.actie_id)
        for r in rows
    ] == [
        ("+", beleidsmedewerker, "Deze actie voert de motie uit.", actie.pk),
        ("-", griffie, "Verkeerde actie gekoppeld", actie.pk),
    ]
    # The link's history survives the link; the action and mandate are untouched.
    assert actie.history.count() == 1
    assert opdracht.history.count() == 1


def test_progress_update_history_keeps_the_author_when_factory_made():
    update = VoortgangsupdateFactory()
    assert latest(update).auteur_id == update.auteur_id


def test_deleting_an_action_records_its_links_going_with_user_and_reason(
    beleidsmedewerker,
):
    from acties.services import actie_delete
    from tests.factories import (
        ActieFactory,
        OrganisatieFactory,
        RaadsopdrachtActieFactory,
    )

    actie = ActieFactory()
    koppeling = RaadsopdrachtActieFactory(actie=actie)
    services.actie_update(
        actie=actie,
        versie=actie.versie,
        partners=[OrganisatieFactory()],
        user=beleidsmedewerker,
        reason="Partner erbij",
    )
    actie_pk, koppeling_pk = actie.pk, koppeling.pk
    actie_delete(actie=actie, user=beleidsmedewerker, reason="Dubbel ingevoerd")
    assert not Actie.objects.filter(pk=actie_pk).exists()
    for model, pk in [(Actie, actie_pk), (RaadsopdrachtActie, koppeling_pk)]:
        row = model.history.filter(id=pk).order_by("-history_date").first()
        assert row.history_type == "-"
        assert (row.history_user, row.history_change_reason) == (
            beleidsmedewerker,
            "Dubbel ingevoerd",
        )
    partner_row = ActiePartner.history.filter(actie_id=actie_pk).latest("history_id")
    assert partner_row.history_type == "-"
    assert partner_row.history_change_reason == "Dubbel ingevoerd"


def test_an_action_with_updates_is_not_deleted(beleidsmedewerker):
    from acties.services import actie_delete
    from tests.factories import VoortgangsupdateFactory

    update = VoortgangsupdateFactory()
    with pytest.raises(ValidationError, match="gestopt"):
        actie_delete(actie=update.actie, user=beleidsmedewerker, reason="Weg ermee")
    assert Actie.objects.filter(pk=update.actie_id).exists()
