import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from historie.records import (
    create_with_history,
    delete_with_history,
    history_writer,
    model_changes,
    save_with_history,
    sync_links,
    update_with_history,
)
from pijlers.models import Actielijn

from .constants import RaadsopdrachtStatus
from .models import (
    Actie,
    ActiePartner,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)


class StaleVersionError(ValidationError):
    """Someone else saved the action after this edit started; nothing was saved."""


# --- Organisatie -----------------------------------------------------------------


@history_writer
def organisatie_create(*, user, reason: str, **values) -> Organisatie:
    return create_with_history(Organisatie, user=user, reason=reason, **values)


@history_writer
def organisatie_update(
    *, organisatie: Organisatie, user, reason: str, **values
) -> bool:
    return update_with_history(organisatie, user=user, reason=reason, **values)


# --- Actie -----------------------------------------------------------------------


@history_writer
def actie_create(
    *,
    actielijn: Actielijn,
    partners: Iterable[Organisatie] = (),
    user,
    reason: str,
    **values,
) -> Actie:
    actie = create_with_history(
        Actie,
        actielijn=actielijn,
        programma_id=actielijn.programma_id,
        user=user,
        reason=reason,
        **values,
    )
    _sync_partners(actie, partners, user=user, reason=reason)
    return actie


@history_writer
def actie_update(
    *,
    actie: Actie,
    versie: int | None,
    partners: Iterable[Organisatie] | None = None,
    user,
    reason: str,
    **values,
) -> bool:
    """Change an action, refusing the edit if it started from an older version.

    ``versie`` is the version the editor saw (``None`` only for trusted batch
    callers that have just read the row). A reason is required for every change;
    the form asks the person for it when status or progress changes.
    """
    current = Actie.objects.select_for_update().get(pk=actie.pk)
    if versie is not None and current.versie != versie:
        raise StaleVersionError(
            _(
                "Deze actie is intussen door iemand anders gewijzigd. Uw wijzigingen "
                "zijn niet opgeslagen; bekijk de nieuwe versie en voer ze opnieuw in."
            ),
            code="stale",
        )
    if "actielijn" in values:
        values["programma_id"] = values["actielijn"].programma_id
        check_move_keeps_links(current, values["programma_id"])
    changes = model_changes(current, values)
    links_changed = False
    if partners is not None:
        links_changed = _sync_partners(current, partners, user=user, reason=reason)
    if not changes and not links_changed:
        return False
    current.versie += 1
    save_with_history(current, user=user, reason=reason)
    actie.__dict__.update(current.__dict__)
    return True


def check_move_keeps_links(actie: Actie, programma_id: int) -> None:
    """Refuse moving an action to another programme away from its mandates.

    A mandate is linked only to actions of the programmes it belongs to
    (``linkable_acties``); an action that moves to another programme's line
    would take its links out of that scope, and a mandate onto the pages of a
    programme it has nothing to do with.
    """
    if programma_id == actie.programma_id:
        return
    outside = sorted(
        koppeling.raadsopdracht.nummer
        for koppeling in actie.raadsopdracht_koppelingen.select_related("raadsopdracht")
        if not koppeling.raadsopdracht.programmaoverstijgend
        and koppeling.raadsopdracht.programma_id != programma_id
    )
    if outside:
        raise ValidationError(
            {
                "actielijn": _(
                    "Deze actie voert raadsopdracht %(nummers)s uit, die bij haar "
                    "huidige programma hoort. Ontkoppel die eerst, of geef bij de "
                    "raadsopdracht aan dat zij voor meer programma's geldt."
                )
                % {"nummers": ", ".join(outside)}
            }
        )


@history_writer
def actie_delete(*, actie: Actie, user, reason: str) -> None:
    """Delete an action entered by mistake; its links go with it, in the history.

    An action that ends early is not deleted but gets status *gestopt*; one
    with progress updates or indicators has a record worth keeping and is
    refused.
    """
    if actie.voortgangsupdates.exists() or actie.indicatoren.exists():
        raise ValidationError(
            _(
                "Deze actie heeft voortgangsupdates of indicatoren en wordt daarom "
                "niet verwijderd. Zet de status op 'gestopt' als de actie niet "
                "doorgaat."
            ),
            code="protected",
        )
    delete_with_history(actie, user=user, reason=reason)


def _sync_partners(actie: Actie, partners: Iterable[Organisatie], *, user, reason):
    return sync_links(
        owner=actie,
        link_model=ActiePartner,
        owner_field="actie",
        target_field="organisatie",
        targets=partners,
        user=user,
        reason=reason,
    )


# --- Voortgang, indicatoren, metingen ---------------------------------------------


@history_writer
def voortgangsupdate_create(
    *, actie: Actie, datum: datetime.date, tekst: str, user, reason: str = ""
) -> Voortgangsupdate:
    return create_with_history(
        Voortgangsupdate,
        actie=actie,
        datum=datum,
        tekst=tekst,
        auteur=user,
        user=user,
        reason=reason or _("Voortgangsupdate toegevoegd"),
    )


@history_writer
def voortgangsupdate_update(
    *, voortgangsupdate: Voortgangsupdate, user, reason: str, **values
) -> bool:
    return update_with_history(voortgangsupdate, user=user, reason=reason, **values)


@history_writer
def indicator_create(*, actie: Actie, user, reason: str, **values) -> Indicator:
    return create_with_history(
        Indicator, actie=actie, user=user, reason=reason, **values
    )


@history_writer
def indicator_update(*, indicator: Indicator, user, reason: str, **values) -> bool:
    return update_with_history(indicator, user=user, reason=reason, **values)


@history_writer
def meting_create(*, indicator: Indicator, user, reason: str, **values) -> Meting:
    return create_with_history(
        Meting, indicator=indicator, user=user, reason=reason, **values
    )


@history_writer
def meting_update(*, meting: Meting, user, reason: str, **values) -> bool:
    return update_with_history(meting, user=user, reason=reason, **values)


# --- Raadsopdrachten --------------------------------------------------------------


@history_writer
def raadsopdracht_create(*, user, reason: str, **values) -> Raadsopdracht:
    return create_with_history(Raadsopdracht, user=user, reason=reason, **values)


@history_writer
def raadsopdracht_update(
    *, raadsopdracht: Raadsopdracht, user, reason: str, **values
) -> bool:
    """Edit a mandate's register data; settling is ``raadsopdracht_settle``'s."""
    if (
        values.get("status") == RaadsopdrachtStatus.AFGEDAAN
        and raadsopdracht.status != RaadsopdrachtStatus.AFGEDAAN
    ):
        raise ValidationError(
            {"status": _("Gebruik 'Afdoening bevestigen' om een opdracht af te doen.")}
        )
    if (
        values.get("status", RaadsopdrachtStatus.AFGEDAAN)
        != RaadsopdrachtStatus.AFGEDAAN
    ):
        # Reopening a settled mandate: it is no longer settled on a date.
        values.setdefault("afgedaan_op", None)
    check_links_stay_in_scope(raadsopdracht, values)
    return update_with_history(raadsopdracht, user=user, reason=reason, **values)


def check_links_stay_in_scope(raadsopdracht: Raadsopdracht, values: dict) -> None:
    """Refuse moving a mandate to another programme away from its actions.

    Only a change of programme or scope is checked, so that links made before
    the scope rule existed do not block edits of other fields.
    """
    programma = values.get("programma", raadsopdracht.programma)
    programma_id = programma.pk if programma is not None else None
    overstijgend = values.get(
        "programmaoverstijgend", raadsopdracht.programmaoverstijgend
    )
    if overstijgend or (
        programma_id == raadsopdracht.programma_id
        and overstijgend == raadsopdracht.programmaoverstijgend
    ):
        return
    outside = sorted(
        f"{code} ({titel})"
        for code, titel in raadsopdracht.actie_koppelingen.exclude(
            actie__programma_id=programma_id
        ).values_list("actie__code", "actie__programma__titel")
    )
    if outside:
        field = (
            "programma"
            if programma_id != raadsopdracht.programma_id
            else "programmaoverstijgend"
        )
        raise ValidationError(
            {
                field: _(
                    "De raadsopdracht is gekoppeld aan acties van een ander "
                    "programma (%(codes)s). Ontkoppel die eerst, of geef aan dat "
                    "de opdracht voor meer programma's geldt."
                )
                % {"codes": ", ".join(outside)}
            }
        )


@history_writer
def raadsopdracht_propose_settlement(
    *, raadsopdracht: Raadsopdracht, toelichting: str, user
) -> Raadsopdracht:
    """An officer proposes that the council consider the mandate settled."""
    if raadsopdracht.status == RaadsopdrachtStatus.AFGEDAAN:
        raise ValidationError(_("Deze raadsopdracht is al afgedaan."))
    toelichting = (toelichting or "").strip()
    if not toelichting:
        raise ValidationError(
            {"afdoening_toelichting": _("Licht toe waarom de opdracht is uitgevoerd.")}
        )
    raadsopdracht.status = RaadsopdrachtStatus.AFDOENING_VOORGESTELD
    raadsopdracht.afdoening_toelichting = toelichting
    return save_with_history(
        raadsopdracht, user=user, reason=_("Afdoening voorgesteld: %s") % toelichting
    )


@history_writer
def raadsopdracht_settle(
    *,
    raadsopdracht: Raadsopdracht,
    afgedaan_op: datetime.date | None,
    afdoeningsdocument: str,
    user,
    reason: str = "",
    afdoening_toelichting: str | None = None,
) -> Raadsopdracht:
    """Record that the mandate is settled (afgedaan), with date and document."""
    errors = {}
    if afgedaan_op is None:
        errors["afgedaan_op"] = _("Vul de datum van afdoening in.")
    if not (afdoeningsdocument or "").strip():
        errors["afdoeningsdocument"] = _(
            "Vul het kenmerk van het afdoeningsdocument in, bijvoorbeeld BOW/2019.171."
        )
    if errors:
        raise ValidationError(errors)
    raadsopdracht.status = RaadsopdrachtStatus.AFGEDAAN
    raadsopdracht.afgedaan_op = afgedaan_op
    raadsopdracht.afdoeningsdocument = afdoeningsdocument.strip()
    if afdoening_toelichting is not None:
        raadsopdracht.afdoening_toelichting = afdoening_toelichting
    return save_with_history(
        raadsopdracht,
        user=user,
        reason=reason or _("Afgedaan met %s") % raadsopdracht.afdoeningsdocument,
    )


def linkable_raadsopdrachten(actie: Actie) -> QuerySet[Raadsopdracht]:
    """The mandates ``actie`` may carry out: those of its own programme and those
    that apply to more programmes. The link form offers exactly these."""
    return Raadsopdracht.objects.filter(
        Q(programma_id=actie.programma_id) | Q(programmaoverstijgend=True)
    )


def linkable_acties(raadsopdracht: Raadsopdracht) -> QuerySet[Actie]:
    """The actions that may carry out ``raadsopdracht`` (the rule above, reversed).

    A mandate that belongs to no programme and is not marked as applying to
    more programmes has no actions yet: whoever keeps the register says first
    where it belongs, so that a link never carries a mandate onto the pages of
    a programme it has nothing to do with.
    """
    if raadsopdracht.programmaoverstijgend:
        return Actie.objects.all()
    return Actie.objects.filter(programma_id=raadsopdracht.programma_id)


def scope_error(raadsopdracht: Raadsopdracht, actie: Actie) -> str:
    if raadsopdracht.programma_id is None:
        return _(
            "Raadsopdracht %(nummer)s hoort bij geen programma. Kies eerst bij de "
            "raadsopdracht het programma, of geef aan dat zij voor meer "
            "programma's geldt."
        ) % {"nummer": raadsopdracht.nummer}
    return _(
        "Raadsopdracht %(nummer)s hoort bij het programma ‘%(eigen)s’ en kan "
        "niet worden gekoppeld aan een actie van ‘%(ander)s’. Geef bij de "
        "raadsopdracht aan dat zij voor meer programma's geldt als dat zo is."
    ) % {
        "nummer": raadsopdracht.nummer,
        "eigen": raadsopdracht.programma,
        "ander": actie.programma,
    }


@history_writer
def raadsopdracht_actie_link(
    *,
    raadsopdracht: Raadsopdracht,
    actie: Actie,
    toelichting: str,
    toelichting_openbaar: bool = False,
    user,
) -> RaadsopdrachtActie:
    """Record that ``actie`` carries out ``raadsopdracht``, and why.

    Only within the mandate's scope (``linkable_acties``), checked against the
    mandate as it is stored now, not as the caller last saw it.
    """
    current = Raadsopdracht.objects.select_for_update().get(pk=raadsopdracht.pk)
    if not linkable_acties(current).filter(pk=actie.pk).exists():
        raise ValidationError({"raadsopdracht": scope_error(current, actie)})
    return create_with_history(
        RaadsopdrachtActie,
        raadsopdracht=raadsopdracht,
        actie=actie,
        toelichting=toelichting,
        toelichting_openbaar=toelichting_openbaar,
        user=user,
        reason=toelichting,
    )


@history_writer
def raadsopdracht_actie_unlink(
    *, koppeling: RaadsopdrachtActie, user, reason: str
) -> None:
    delete_with_history(koppeling, user=user, reason=reason)
