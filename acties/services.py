import datetime
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from basis.uploads import Checked, check_upload
from historie.records import (
    KEEP,
    create_with_history,
    delete_with_history,
    given,
    history_writer,
    model_changes,
    save_with_history,
    sync_links,
    update_with_history,
)
from pijlers.models import Actielijn, Programma

from . import remarks, signals
from .constants import ACTIE_STATUS_KLAAR, DocumentSoort, RaadsopdrachtStatus
from .models import (
    Actie,
    ActiePartner,
    Document,
    Indicator,
    Meting,
    Opmerking,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Vergadering,
    Voortgangsupdate,
)


class StaleVersionError(ValidationError):
    """Someone else saved the action after this edit started; nothing was saved."""


# --- Organisatie -----------------------------------------------------------------


@history_writer
def organisatie_create(
    *, naam: str, afkorting: str = KEEP, soort: str = KEEP, user, reason: str
) -> Organisatie:
    return create_with_history(
        Organisatie,
        given(naam=naam, afkorting=afkorting, soort=soort),
        user=user,
        reason=reason,
    )


@history_writer
def organisatie_update(
    *,
    organisatie: Organisatie,
    naam: str = KEEP,
    afkorting: str = KEEP,
    soort: str = KEEP,
    user,
    reason: str,
) -> Organisatie:
    update_with_history(
        organisatie,
        given(naam=naam, afkorting=afkorting, soort=soort),
        user=user,
        reason=reason,
    )
    return organisatie


# --- Actie -----------------------------------------------------------------------


@history_writer
def actie_create(
    *,
    actielijn: Actielijn,
    code: str,
    titel: str,
    omschrijving: str = KEEP,
    status: str = KEEP,
    voortgang: int = KEEP,
    trekker: Organisatie | None = KEEP,
    contactpersoon=KEEP,
    gepland_start: datetime.date | None = KEEP,
    gepland_eind: datetime.date | None = KEEP,
    seksuele_uitbuiting: bool = KEEP,
    arbeidsuitbuiting: bool = KEEP,
    criminele_uitbuiting: bool = KEEP,
    doelgroep_minderjarig: bool = KEEP,
    doelgroep_meerderjarig: bool = KEEP,
    budget: Decimal | None = KEEP,
    toelichten: bool = KEEP,
    is_voorbeeld: bool = KEEP,
    partners: Iterable[Organisatie] = (),
    user,
    reason: str,
) -> Actie:
    actie = create_with_history(
        Actie,
        given(
            actielijn=actielijn,
            programma_id=actielijn.programma_id,
            code=code,
            titel=titel,
            omschrijving=omschrijving,
            status=status,
            voortgang=voortgang,
            trekker=trekker,
            contactpersoon=contactpersoon,
            gepland_start=gepland_start,
            gepland_eind=gepland_eind,
            seksuele_uitbuiting=seksuele_uitbuiting,
            arbeidsuitbuiting=arbeidsuitbuiting,
            criminele_uitbuiting=criminele_uitbuiting,
            doelgroep_minderjarig=doelgroep_minderjarig,
            doelgroep_meerderjarig=doelgroep_meerderjarig,
            budget=budget,
            toelichten=toelichten,
            is_voorbeeld=is_voorbeeld,
        ),
        user=user,
        reason=reason,
    )
    _sync_partners(actie, partners, user=user, reason=reason)
    return actie


@history_writer
def actie_update(
    *,
    actie: Actie,
    versie: int | None,
    actielijn: Actielijn = KEEP,
    code: str = KEEP,
    titel: str = KEEP,
    omschrijving: str = KEEP,
    status: str = KEEP,
    voortgang: int = KEEP,
    trekker: Organisatie | None = KEEP,
    contactpersoon=KEEP,
    gepland_start: datetime.date | None = KEEP,
    gepland_eind: datetime.date | None = KEEP,
    seksuele_uitbuiting: bool = KEEP,
    arbeidsuitbuiting: bool = KEEP,
    criminele_uitbuiting: bool = KEEP,
    doelgroep_minderjarig: bool = KEEP,
    doelgroep_meerderjarig: bool = KEEP,
    budget: Decimal | None = KEEP,
    toelichten: bool = KEEP,
    is_voorbeeld: bool = KEEP,
    partners: Iterable[Organisatie] | None = None,
    user,
    reason: str,
) -> Actie:
    """Change an action, refusing the edit if it started from an older version.

    ``versie`` is the version the editor saw (``None`` only for trusted batch
    callers that have just read the row, and for the edit page, which merges
    under the row lock). A reason is required for every change; the form asks
    the person for it when status or progress changes. Returns the action as
    stored now.
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
    values = given(
        actielijn=actielijn,
        code=code,
        titel=titel,
        omschrijving=omschrijving,
        status=status,
        voortgang=voortgang,
        trekker=trekker,
        contactpersoon=contactpersoon,
        gepland_start=gepland_start,
        gepland_eind=gepland_eind,
        seksuele_uitbuiting=seksuele_uitbuiting,
        arbeidsuitbuiting=arbeidsuitbuiting,
        criminele_uitbuiting=criminele_uitbuiting,
        doelgroep_minderjarig=doelgroep_minderjarig,
        doelgroep_meerderjarig=doelgroep_meerderjarig,
        budget=budget,
        toelichten=toelichten,
        is_voorbeeld=is_voorbeeld,
    )
    if actielijn is not KEEP:
        values["programma_id"] = actielijn.programma_id
        check_move_keeps_links(current, actielijn.programma_id)
    changes = model_changes(current, values)
    links_changed = False
    if partners is not None:
        links_changed = _sync_partners(current, partners, user=user, reason=reason)
    if changes or links_changed:
        current.versie += 1
        save_with_history(current, user=user, reason=reason)
    return current


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
        {"actie": actie, "datum": datum, "tekst": tekst, "auteur": user},
        user=user,
        reason=reason or _("Voortgangsupdate toegevoegd"),
    )


@history_writer
def voortgangsupdate_update(
    *,
    voortgangsupdate: Voortgangsupdate,
    datum: datetime.date = KEEP,
    tekst: str = KEEP,
    user,
    reason: str,
) -> Voortgangsupdate:
    update_with_history(
        voortgangsupdate, given(datum=datum, tekst=tekst), user=user, reason=reason
    )
    return voortgangsupdate


@history_writer
def indicator_create(
    *,
    actie: Actie,
    naam: str,
    eenheid: str = KEEP,
    nulwaarde: Decimal = KEEP,
    nulwaarde_datum: datetime.date | None = KEEP,
    streefwaarde: Decimal | None = KEEP,
    streefdatum: datetime.date | None = KEEP,
    user,
    reason: str,
) -> Indicator:
    return create_with_history(
        Indicator,
        given(
            actie=actie,
            naam=naam,
            eenheid=eenheid,
            nulwaarde=nulwaarde,
            nulwaarde_datum=nulwaarde_datum,
            streefwaarde=streefwaarde,
            streefdatum=streefdatum,
        ),
        user=user,
        reason=reason,
    )


@history_writer
def indicator_update(
    *,
    indicator: Indicator,
    naam: str = KEEP,
    eenheid: str = KEEP,
    nulwaarde: Decimal = KEEP,
    nulwaarde_datum: datetime.date | None = KEEP,
    streefwaarde: Decimal | None = KEEP,
    streefdatum: datetime.date | None = KEEP,
    user,
    reason: str,
) -> Indicator:
    update_with_history(
        indicator,
        given(
            naam=naam,
            eenheid=eenheid,
            nulwaarde=nulwaarde,
            nulwaarde_datum=nulwaarde_datum,
            streefwaarde=streefwaarde,
            streefdatum=streefdatum,
        ),
        user=user,
        reason=reason,
    )
    return indicator


@history_writer
def meting_create(
    *,
    indicator: Indicator,
    datum: datetime.date,
    waarde: Decimal,
    toelichting: str = KEEP,
    toelichting_openbaar: bool = KEEP,
    user,
    reason: str,
) -> Meting:
    return create_with_history(
        Meting,
        given(
            indicator=indicator,
            datum=datum,
            waarde=waarde,
            toelichting=toelichting,
            toelichting_openbaar=toelichting_openbaar,
        ),
        user=user,
        reason=reason,
    )


@history_writer
def meting_update(
    *,
    meting: Meting,
    datum: datetime.date = KEEP,
    waarde: Decimal = KEEP,
    toelichting: str = KEEP,
    toelichting_openbaar: bool = KEEP,
    user,
    reason: str,
) -> Meting:
    update_with_history(
        meting,
        given(
            datum=datum,
            waarde=waarde,
            toelichting=toelichting,
            toelichting_openbaar=toelichting_openbaar,
        ),
        user=user,
        reason=reason,
    )
    return meting


# --- Raadsopdrachten --------------------------------------------------------------


@history_writer
def raadsopdracht_create(
    *,
    soort: str,
    nummer: str,
    titel: str,
    tekst: str = KEEP,
    indieners: str = KEEP,
    datum_aangenomen: datetime.date | None = KEEP,
    vergadering: str = KEEP,
    ris_nummer: str = KEEP,
    programma: Programma | None = KEEP,
    programmaoverstijgend: bool = KEEP,
    status: str = KEEP,
    deadline: datetime.date | None = KEEP,
    afdoening_toelichting: str = KEEP,
    afgedaan_op: datetime.date | None = KEEP,
    afdoeningsdocument: str = KEEP,
    fractie: str = KEEP,
    hoofdopdracht: Raadsopdracht | None = KEEP,
    aangenomen_in: Vergadering | None = KEEP,
    af_te_doen_voor: Vergadering | None = KEEP,
    bron: str = KEEP,
    deadline_toelichting: str = KEEP,
    user,
    reason: str,
) -> Raadsopdracht:
    """Register a mandate; one settled before it was registered (a loaded
    council document) comes with its settlement."""
    check_hoofdopdracht(None, hoofdopdracht)
    return create_with_history(
        Raadsopdracht,
        given(
            fractie=fractie,
            hoofdopdracht=hoofdopdracht,
            aangenomen_in=aangenomen_in,
            af_te_doen_voor=af_te_doen_voor,
            bron=bron,
            deadline_toelichting=deadline_toelichting,
            soort=soort,
            nummer=nummer,
            titel=titel,
            tekst=tekst,
            indieners=indieners,
            datum_aangenomen=datum_aangenomen,
            vergadering=vergadering,
            ris_nummer=ris_nummer,
            programma=programma,
            programmaoverstijgend=programmaoverstijgend,
            status=status,
            deadline=deadline,
            afdoening_toelichting=afdoening_toelichting,
            afgedaan_op=afgedaan_op,
            afdoeningsdocument=afdoeningsdocument,
        ),
        user=user,
        reason=reason,
    )


@history_writer
def raadsopdracht_update(
    *,
    raadsopdracht: Raadsopdracht,
    soort: str = KEEP,
    nummer: str = KEEP,
    titel: str = KEEP,
    tekst: str = KEEP,
    indieners: str = KEEP,
    datum_aangenomen: datetime.date | None = KEEP,
    vergadering: str = KEEP,
    ris_nummer: str = KEEP,
    programma: Programma | None = KEEP,
    programmaoverstijgend: bool = KEEP,
    status: str = KEEP,
    deadline: datetime.date | None = KEEP,
    fractie: str = KEEP,
    hoofdopdracht: Raadsopdracht | None = KEEP,
    aangenomen_in: Vergadering | None = KEEP,
    af_te_doen_voor: Vergadering | None = KEEP,
    bron: str = KEEP,
    deadline_toelichting: str = KEEP,
    user,
    reason: str,
) -> Raadsopdracht:
    """Edit a mandate's register data; settling is ``raadsopdracht_settle``'s."""
    if hoofdopdracht is not KEEP:
        check_hoofdopdracht(raadsopdracht, hoofdopdracht)
    values = given(
        fractie=fractie,
        hoofdopdracht=hoofdopdracht,
        aangenomen_in=aangenomen_in,
        af_te_doen_voor=af_te_doen_voor,
        bron=bron,
        deadline_toelichting=deadline_toelichting,
        soort=soort,
        nummer=nummer,
        titel=titel,
        tekst=tekst,
        indieners=indieners,
        datum_aangenomen=datum_aangenomen,
        vergadering=vergadering,
        ris_nummer=ris_nummer,
        programma=programma,
        programmaoverstijgend=programmaoverstijgend,
        status=status,
        deadline=deadline,
    )
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
        values["afgedaan_op"] = None
    check_links_stay_in_scope(raadsopdracht, values)
    update_with_history(raadsopdracht, values, user=user, reason=reason)
    return raadsopdracht


def check_hoofdopdracht(
    raadsopdracht: Raadsopdracht | None, hoofdopdracht: Raadsopdracht | None
) -> None:
    """A commitment is part of one mandate, which is itself part of none:
    the register has two levels, and no mandate is part of itself."""
    if hoofdopdracht is None or hoofdopdracht is KEEP:
        return
    if raadsopdracht is not None and hoofdopdracht.pk == raadsopdracht.pk:
        raise ValidationError(
            {"hoofdopdracht": _("Een raadsopdracht is geen onderdeel van zichzelf.")}
        )
    if hoofdopdracht.hoofdopdracht_id is not None:
        raise ValidationError(
            {
                "hoofdopdracht": _(
                    "%(nummer)s is zelf een onderdeel; kies de opdracht waar "
                    "het onderdeel van is."
                )
                % {"nummer": hoofdopdracht.nummer}
            }
        )
    if raadsopdracht is not None and raadsopdracht.onderdelen.exists():
        raise ValidationError(
            {
                "hoofdopdracht": _(
                    "Deze raadsopdracht heeft zelf onderdelen en kan geen "
                    "onderdeel van een andere zijn."
                )
            }
        )


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
    save_with_history(
        raadsopdracht, user=user, reason=_("Afdoening voorgesteld: %s") % toelichting
    )
    signals.afdoening_voorgesteld.send(
        Raadsopdracht, raadsopdracht=raadsopdracht, user=user
    )
    return raadsopdracht


@history_writer
def raadsopdracht_settle(
    *,
    raadsopdracht: Raadsopdracht,
    afgedaan_op: datetime.date | None,
    afdoeningsdocument: str,
    user,
    reason: str = "",
    afdoening_toelichting: str | None = None,
    brief=None,
) -> Raadsopdracht:
    """Record that the mandate is settled (afgedaan), with date and document.

    ``brief``: the settling letter as an uploaded file, attached to the mandate
    as its afdoeningsdocument; checked before anything changes.
    """
    errors = {}
    checked = None
    if brief is not None:
        try:
            checked = checked_upload(brief)
        except ValidationError as exc:
            errors["brief"] = exc.messages
    if afgedaan_op is None:
        errors["afgedaan_op"] = _("Vul de datum van afdoening in.")
    if not (afdoeningsdocument or "").strip():
        errors["afdoeningsdocument"] = _(
            "Vul het kenmerk van het afdoeningsdocument in, bijvoorbeeld BOW/2019.171."
        )
    onvoltooid = unfinished_actions(raadsopdracht)
    if onvoltooid and not (reason or "").strip():
        errors["reden"] = _(
            "Niet alle gekoppelde acties zijn klaar (%(acties)s). Geef een reden "
            "om de opdracht toch af te doen."
        ) % {
            "acties": ", ".join(
                f"{a.code} {a.get_status_display()}" for a in onvoltooid
            )
        }
    if errors:
        raise ValidationError(errors)
    voorsteller = settlement_proposer(raadsopdracht)
    raadsopdracht.status = RaadsopdrachtStatus.AFGEDAAN
    raadsopdracht.afgedaan_op = afgedaan_op
    raadsopdracht.afdoeningsdocument = afdoeningsdocument.strip()
    if afdoening_toelichting is not None:
        raadsopdracht.afdoening_toelichting = afdoening_toelichting
    save_with_history(
        raadsopdracht,
        user=user,
        reason=reason or _("Afgedaan met %s") % raadsopdracht.afdoeningsdocument,
    )
    if checked is not None:
        _document_create(
            record=raadsopdracht,
            checked=checked,
            titel=_("Afdoeningsdocument %s") % raadsopdracht.afdoeningsdocument,
            soort=DocumentSoort.AFDOENING,
            kenmerk=raadsopdracht.afdoeningsdocument,
            openbaar=False,
            user=user,
            reason=_("Afdoeningsdocument toegevoegd bij het afdoen"),
        )
    signals.afdoening_besloten.send(
        Raadsopdracht,
        raadsopdracht=raadsopdracht,
        user=user,
        besluit="afgedaan",
        voorsteller=voorsteller,
        reden=reason,
    )
    return raadsopdracht


def settlement_proposer(raadsopdracht: Raadsopdracht):
    """Who proposed the settlement now pending, if one is: the author of the
    history row where the status last became 'afdoening voorgesteld'."""
    if raadsopdracht.status != RaadsopdrachtStatus.AFDOENING_VOORGESTELD:
        return None
    proposer = None
    for row in raadsopdracht.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    ):
        if row.status != RaadsopdrachtStatus.AFDOENING_VOORGESTELD:
            break
        proposer = row.history_user
    return proposer


def unfinished_actions(raadsopdracht: Raadsopdracht) -> list[Actie]:
    """The linked actions that are not finished (afgerond or gestopt)."""
    return list(
        raadsopdracht.acties.exclude(status__in=ACTIE_STATUS_KLAAR).order_by("code")
    )


@history_writer
def raadsopdracht_return_proposal(
    *, raadsopdracht: Raadsopdracht, reden: str, user
) -> Raadsopdracht:
    """The griffie sends a proposed settlement back to the officers: the
    mandate is in uitvoering again, and the history says why."""
    current = Raadsopdracht.objects.select_for_update().get(pk=raadsopdracht.pk)
    if current.status != RaadsopdrachtStatus.AFDOENING_VOORGESTELD:
        raise ValidationError(
            _("Er is geen afdoeningsvoorstel om terug te geven; de status is nu %s.")
            % current.get_status_display()
        )
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError(
            {"reden": _("Geef de reden waarom het voorstel terug gaat.")}
        )
    voorsteller = settlement_proposer(current)
    current.status = RaadsopdrachtStatus.IN_UITVOERING
    save_with_history(
        current, user=user, reason=_("Afdoeningsvoorstel teruggegeven: %s") % reden
    )
    signals.afdoening_besloten.send(
        Raadsopdracht,
        raadsopdracht=current,
        user=user,
        besluit="teruggegeven",
        voorsteller=voorsteller,
        reden=reden,
    )
    return current


@history_writer
def vergadering_create(
    *, soort: str, datum: datetime.date, commissie: str = "", titel: str = "",
    user, reason: str,
) -> Vergadering:  # fmt: skip
    """Register a council or committee meeting."""
    return create_with_history(
        Vergadering,
        {"soort": soort, "datum": datum, "commissie": commissie, "titel": titel},
        user=user,
        reason=reason,
    )


@history_writer
def vergadering_update(
    *,
    vergadering: Vergadering,
    soort: str = KEEP,
    datum: datetime.date = KEEP,
    commissie: str = KEEP,
    titel: str = KEEP,
    user,
    reason: str,
) -> Vergadering:
    update_with_history(
        vergadering,
        given(soort=soort, datum=datum, commissie=commissie, titel=titel),
        user=user,
        reason=reason,
    )
    return vergadering


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
        {
            "raadsopdracht": raadsopdracht,
            "actie": actie,
            "toelichting": toelichting,
            "toelichting_openbaar": toelichting_openbaar,
        },
        user=user,
        reason=toelichting,
    )


@history_writer
def raadsopdracht_actie_unlink(
    *, koppeling: RaadsopdrachtActie, user, reason: str
) -> None:
    delete_with_history(koppeling, user=user, reason=reason)


# --- documents --------------------------------------------------------------------


def _on_record(record: Actie | Raadsopdracht) -> dict:
    """The two foreign keys of a document, one of them set."""
    if isinstance(record, Raadsopdracht):
        return {"actie": None, "raadsopdracht": record}
    return {"actie": record, "raadsopdracht": None}


class DocumentStorageError(Exception):
    """A stored file under a document's name holds other contents: the storage
    was changed outside the application."""


def checked_upload(upload) -> Checked:
    """The upload, if it is a document that may be attached (basis.uploads)."""
    return check_upload(upload, max_bytes=settings.DOCUMENT_MAX_MB * 1024 * 1024)


def _stored_name(checked: Checked) -> str:
    """Store the contents once, under their SHA-256; returns the name."""
    name = f"documenten/{checked.sha256[:2]}/{checked.sha256}{checked.kind.extension}"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != checked.sha256:
                raise DocumentStorageError(name)
        return name
    saved = default_storage.save(name, ContentFile(checked.content))
    if saved != name:  # written by someone else at the same moment
        default_storage.delete(saved)
    return name


def _document_create(
    *,
    record: Actie | Raadsopdracht,
    checked: Checked,
    titel: str,
    soort: str,
    kenmerk: str,
    openbaar: bool,
    user,
    reason: str,
) -> Document:
    document = Document(
        **_on_record(record),
        titel=(titel or "").strip() or checked.name.rsplit(".", 1)[0],
        soort=soort,
        kenmerk=(kenmerk or "").strip(),
        bestandsnaam=checked.name,
        mediatype=checked.kind.mediatype,
        grootte=checked.size,
        sha256=checked.sha256,
        openbaar=openbaar,
    )
    # Validated before the file is written; the file before the row, so that
    # no row ever names a file that is not there. A file whose row was rolled
    # back stays, unnamed: harmless, and reused by the next upload of it.
    document.bestand.name = "documenten/pending"
    document.full_clean()
    document.bestand.name = _stored_name(checked)
    return save_with_history(
        document,
        user=user,
        reason=f"{reason} ({checked.name}, SHA-256 {checked.sha256})",
    )


@history_writer
def document_add(
    *,
    record: Actie | Raadsopdracht,
    upload,
    titel: str = "",
    soort: str = DocumentSoort.OVERIG,
    kenmerk: str = "",
    openbaar: bool = False,
    user,
    reason: str = "",
) -> Document:
    """Attach an uploaded file to an action or a mandate.

    Refused with a ``ValidationError`` on ``bestand`` when the file is too
    large or its content is not what its name says.
    """
    try:
        checked = checked_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"bestand": exc.messages}) from exc
    return _document_create(
        record=record,
        checked=checked,
        titel=titel,
        soort=soort,
        kenmerk=kenmerk,
        openbaar=openbaar,
        user=user,
        reason=(reason or "").strip() or _("Document toegevoegd"),
    )


@history_writer
def document_update(
    *,
    document: Document,
    titel: str = KEEP,
    soort: str = KEEP,
    kenmerk: str = KEEP,
    openbaar: bool = KEEP,
    ingetrokken: bool = KEEP,
    user,
    reason: str,
) -> Document:
    """Change a document's description, make it public or withdraw it.

    The file itself never changes: a new version is a new document. A
    withdrawn document is never public.
    """
    current = Document.objects.select_for_update().get(pk=document.pk)
    values = given(
        titel=titel,
        soort=soort,
        kenmerk=kenmerk,
        openbaar=openbaar,
        ingetrokken=ingetrokken,
    )
    if values.get("ingetrokken", current.ingetrokken) and values.get(
        "openbaar", current.openbaar
    ):
        raise ValidationError(
            {"openbaar": _("Een ingetrokken document kan niet openbaar zijn.")}
        )
    update_with_history(current, values, user=user, reason=reason)
    return current


# --- review remarks ---------------------------------------------------------------


def _remark_text(tekst: str) -> str:
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError({"tekst": _("Schrijf uw vraag of opmerking.")})
    return tekst


@history_writer
def opmerking_place(*, record, tekst: str, user) -> Opmerking:
    """A remark or question on an action, mandate or evaluation (a record
    registered in ``acties.remarks``); it changes the record not."""
    opmerking = save_with_history(
        Opmerking(
            **remarks.link_values(record),
            auteur=user,
            tekst=_remark_text(tekst),
        ),
        user=user,
        reason=_("Opmerking geplaatst"),
    )
    signals.opmerking_geplaatst.send(Opmerking, opmerking=opmerking, user=user)
    return opmerking


@history_writer
def opmerking_reply(*, vraag: Opmerking, tekst: str, user) -> Opmerking:
    """An answer or reply in the thread of ``vraag`` (a question, not a reply)."""
    vraag = Opmerking.objects.select_for_update().get(pk=vraag.pk)
    if vraag.vraag_id is not None:
        vraag = vraag.vraag
    if vraag.ingetrokken:
        raise ValidationError(
            _("Deze vraag is ingetrokken; er kan niet meer op worden gereageerd.")
        )
    reactie = save_with_history(
        Opmerking(
            actie_id=vraag.actie_id,
            raadsopdracht_id=vraag.raadsopdracht_id,
            onderwerp_type_id=vraag.onderwerp_type_id,
            onderwerp_id=vraag.onderwerp_id,
            vraag=vraag,
            auteur=user,
            tekst=_remark_text(tekst),
        ),
        user=user,
        reason=_("Gereageerd op een opmerking"),
    )
    signals.opmerking_geplaatst.send(Opmerking, opmerking=reactie, user=user)
    return reactie


def _own_open(opmerking: Opmerking, user) -> Opmerking:
    current = Opmerking.objects.select_for_update().get(pk=opmerking.pk)
    if current.auteur_id != user.pk:
        raise ValidationError(_("Alleen wie de opmerking plaatste, kan dit doen."))
    if current.ingetrokken:
        raise ValidationError(_("Deze opmerking is al ingetrokken."))
    return current


@history_writer
def opmerking_update(
    *, opmerking: Opmerking, tekst: str, user, reason: str
) -> Opmerking:
    """The author corrects the text; the earlier text stays in the history."""
    current = _own_open(opmerking, user)
    update_with_history(
        current, {"tekst": _remark_text(tekst)}, user=user, reason=reason
    )
    return current


@history_writer
def opmerking_withdraw(*, opmerking: Opmerking, user, reason: str) -> Opmerking:
    """The author withdraws the remark: it stays, visibly withdrawn."""
    current = _own_open(opmerking, user)
    update_with_history(current, {"ingetrokken": True}, user=user, reason=reason)
    return current


@history_writer
def opmerking_mark_answered(*, vraag: Opmerking, user) -> Opmerking:
    """The one who asked marks the question answered."""
    current = _own_open(vraag, user)
    if current.vraag_id is not None:
        raise ValidationError(_("Alleen een vraag wordt als beantwoord gemarkeerd."))
    if current.beantwoord:
        raise ValidationError(_("Deze vraag is al als beantwoord gemarkeerd."))
    update_with_history(
        current,
        {"beantwoord": True},
        user=user,
        reason=_("Vraag als beantwoord gemarkeerd"),
    )
    return current
