"""Who hears about what, by e-mail, and the sending itself.

``notify`` turns an event into messages (rows) for the people who want them;
they are handed to the job queue once the change is committed, and a worker
sends them with retries (``tasks.verstuur``). The digests (``weekly_digests``,
``meeting_digests``) go out on the scheduler's clock or by ``send_digests``.

What a message may hold: titles, codes, dates, links. Never the text of a
remark, a progress update or a settlement, which may hold more than a title.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acties.constants import ACTIE_STATUS_KLAAR
from acties.models import Actie, Raadsopdracht, Vergadering
from acties.selectors import wat_komt_eraan
from basis.dates import long_date, today
from beveiliging.constants import Rol
from evaluatie.models import Tussenevaluatie

from .models import (
    VOORKEUR_VAN,
    Bericht,
    BerichtSoort,
    BerichtStatus,
    Meldingsvoorkeur,
)

logger = logging.getLogger(__name__)

# Attempts at delivering one message before it is marked undelivered.
MAX_POGINGEN = 5


def link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def wants(user, soort: str) -> bool:
    """Whether ``user`` receives messages of ``soort`` (on unless switched off)."""
    if not (user and user.is_active and user.email):
        return False
    try:
        voorkeur = user.meldingsvoorkeur
    except Meldingsvoorkeur.DoesNotExist:
        return True
    return getattr(voorkeur, VOORKEUR_VAN[soort])


def person(user) -> str:
    return user.get_full_name() or user.username


def compose(
    *, ontvanger, soort: str, onderwerp: str, template: str, context: dict
) -> tuple[str, str]:
    """The plain text and the HTML of one message, with why it was sent and
    how to switch it off."""
    context = {
        **context,
        "naam": person(ontvanger),
        "onderwerp": onderwerp,
        "soort_label": BerichtSoort(soort).label,
        "instellingen_url": link(reverse("meldingen:voorkeuren")),
        "site_url": settings.SITE_URL,
    }
    tekst = render_to_string(f"meldingen/email/{template}.txt", context)
    html = render_to_string(f"meldingen/email/{template}.html", context)
    return tekst, html


def queue(
    *,
    ontvanger,
    soort: str,
    onderwerp: str,
    template: str,
    context: dict,
    sleutel: str | None = None,
) -> Bericht | None:
    """Record a message for ``ontvanger`` if they want it, and send it once
    the current transaction commits. ``sleutel``: send only once per key."""
    if not wants(ontvanger, soort):
        return None
    # A title with a line break (from an import) must not break the header.
    onderwerp = " ".join(onderwerp.split())
    if sleutel and Bericht.objects.filter(sleutel=sleutel).exists():
        return None
    tekst, html = compose(
        ontvanger=ontvanger,
        soort=soort,
        onderwerp=onderwerp,
        template=template,
        context=context,
    )
    try:
        with transaction.atomic():
            bericht = Bericht.objects.create(
                ontvanger=ontvanger,
                adres=ontvanger.email,
                soort=soort,
                onderwerp=onderwerp[:250],
                tekst=tekst,
                html=html,
                sleutel=sleutel,
            )
    except IntegrityError:  # the same digest, queued at the same moment
        return None
    transaction.on_commit(lambda: hand_over(bericht.pk))
    return bericht


def hand_over(bericht_id: int) -> None:
    """Give the message to the queue; if it is down, the message waits and
    the scheduler's ``opnieuw_versturen`` offers it again."""
    from .tasks import verstuur

    try:
        verstuur.apply_async((bericht_id,))
    except Exception:
        logger.exception("Message %s could not be queued; it waits", bericht_id)


def deliver(bericht_id: int) -> bool:
    """Send one waiting message; False if it is not waiting (sent already)."""
    bericht = Bericht.objects.filter(
        pk=bericht_id, status=BerichtStatus.WACHTEND
    ).first()
    if bericht is None:
        return False
    mail = EmailMultiAlternatives(
        subject=bericht.onderwerp,
        body=bericht.tekst,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[bericht.adres],
        headers={"Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(bericht.html, "text/html")
    mail.send()
    Bericht.objects.filter(pk=bericht_id).update(
        status=BerichtStatus.VERZONDEN,
        verzonden_op=timezone.now(),
        pogingen=bericht.pogingen + 1,
        fout="",
    )
    return True


def record_failure(bericht_id: int, error: Exception, *, final: bool) -> None:
    bericht = Bericht.objects.get(pk=bericht_id)
    bericht.pogingen += 1
    bericht.fout = f"{type(error).__name__}: {error}"[:500]
    if final or bericht.pogingen >= MAX_POGINGEN:
        bericht.status = BerichtStatus.MISLUKT
    bericht.save(update_fields=["pogingen", "fout", "status"])


def resend_waiting(older_than_minutes: int = 5) -> int:
    """Offer again the messages that wait longer than they should (the queue
    was down when they were made); returns how many."""
    grens = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    ids = list(
        Bericht.objects.filter(
            status=BerichtStatus.WACHTEND,
            aangemaakt_op__lt=grens,
            # Tried and failed already: its retry is scheduled in the queue.
            pogingen=0,
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        hand_over(pk)
    return len(ids)


# --- notices --------------------------------------------------------------------


def _record_label(record) -> str:
    if isinstance(record, Actie):
        return _("actie %(code)s %(titel)s") % {
            "code": record.code,
            "titel": record.titel,
        }
    if isinstance(record, Raadsopdracht):
        return f"{record.kop} {record.titel}"
    return str(record)


def contact_people(record) -> list:
    """Whom a remark on ``record`` concerns: the action's contact person,
    those of the actions that carry out the mandate, or for an evaluation
    the coordinators (who finalise it)."""
    if isinstance(record, Actie):
        return [record.contactpersoon] if record.contactpersoon else []
    User = get_user_model()
    if isinstance(record, Raadsopdracht):
        return list(
            User.objects.filter(contact_voor_acties__raadsopdrachten=record).distinct()
        )
    if isinstance(record, Tussenevaluatie):
        return list(
            User.objects.filter(is_active=True, groups__name=Rol.COORDINATOR).distinct()
        )
    return []


def notify_remark(opmerking, user) -> None:
    record = opmerking.record
    context = {
        "record": _record_label(record),
        "url": link(opmerking.get_absolute_url()),
        "door": person(user),
        "coordinator": isinstance(record, Tussenevaluatie),
    }
    if opmerking.vraag_id is None or opmerking.vraag.auteur_id == user.pk:
        # A new question, or the asker adding to it: for the contact people.
        for ontvanger in contact_people(record):
            if ontvanger.pk == user.pk:
                continue
            queue(
                ontvanger=ontvanger,
                soort=BerichtSoort.OPMERKING,
                onderwerp=_("Vraag of opmerking bij %s") % context["record"],
                template="opmerking",
                context={**context, "reactie": opmerking.vraag_id is not None},
            )
        return
    # Someone answers a question: for the one who asked it.
    queue(
        ontvanger=opmerking.vraag.auteur,
        soort=BerichtSoort.ANTWOORD,
        onderwerp=_("Reactie op uw vraag bij %s") % context["record"],
        template="antwoord",
        context=context,
    )


def griffie_members() -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Rol.GRIFFIE)
        .distinct()
    )


def notify_proposal(raadsopdracht, user) -> None:
    context = {
        "record": _record_label(raadsopdracht),
        "url": link(raadsopdracht.get_absolute_url()),
        "door": person(user),
    }
    for ontvanger in griffie_members():
        if ontvanger.pk == user.pk:
            continue
        queue(
            ontvanger=ontvanger,
            soort=BerichtSoort.AFDOENING_VOORGESTELD,
            onderwerp=_("Afdoening voorgesteld: %s") % context["record"],
            template="afdoening_voorgesteld",
            context=context,
        )


def notify_decision(raadsopdracht, user, besluit: str, voorsteller) -> None:
    if voorsteller is None or voorsteller.pk == user.pk:
        return
    afgedaan = besluit == "afgedaan"
    record = _record_label(raadsopdracht)
    queue(
        ontvanger=voorsteller,
        soort=BerichtSoort.AFDOENING_BESLOTEN,
        onderwerp=(
            _("Afdoening bevestigd: %s")
            if afgedaan
            else _("Afdoening teruggegeven: %s")
        )
        % record,
        template="afdoening_besloten",
        context={
            "record": record,
            "url": link(raadsopdracht.get_absolute_url()),
            "door": person(user),
            "afgedaan": afgedaan,
        },
    )


# --- digests --------------------------------------------------------------------


@dataclass
class Overzicht:
    """What one digest names for one person."""

    ontvanger: object
    acties: list = field(default_factory=list)
    raadsopdrachten: list = field(default_factory=list)
    voorstellen: list = field(default_factory=list)

    @property
    def leeg(self) -> bool:
        return not (self.acties or self.raadsopdrachten or self.voorstellen)

    @property
    def aantal(self) -> int:
        return len(self.acties) + len(self.raadsopdrachten) + len(self.voorstellen)


def digest_recipients() -> list:
    """Active people with a role and an e-mail address."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(Rol.values))
        .exclude(email="")
        .prefetch_related("groups")
        .distinct()
        .order_by("pk")
    )


def _roles(user) -> set[str]:
    return {group.name for group in user.groups.all()}


def _sees_all(user) -> bool:
    """The griffie and the coordinator keep the whole register in view; an
    officer, the actions they are contact person for."""
    return bool(_roles(user) & {Rol.GRIFFIE, Rol.COORDINATOR})


def _actie_item(actie: Actie, now: datetime.date) -> dict:
    return {
        "label": f"{actie.code} {actie.titel}",
        "url": link(actie.get_absolute_url()),
        "datum": long_date(actie.gepland_eind) if actie.gepland_eind else "",
        "te_laat": bool(actie.gepland_eind and actie.gepland_eind < now),
    }


def _opdracht_item(opdracht: Raadsopdracht, now: datetime.date) -> dict:
    datum = opdracht.deadline or (
        opdracht.af_te_doen_voor.datum if opdracht.af_te_doen_voor else None
    )
    return {
        "label": f"{opdracht.kop} {opdracht.titel}",
        "url": link(opdracht.get_absolute_url()),
        "datum": long_date(datum) if datum else "",
        "te_laat": bool(opdracht.deadline and opdracht.deadline < now),
    }


def digest_for(user, tot: datetime.date, *, vergadering=None) -> Overzicht:
    """``user``'s actions and mandates that are overdue or due on or before ``tot``."""
    now = today()
    acties = Actie.objects.exclude(status__in=ACTIE_STATUS_KLAAR).filter(
        gepland_eind__lte=tot
    )
    if not _sees_all(user):
        acties = acties.filter(contactpersoon=user)
    griffie = Rol.GRIFFIE in _roles(user)
    stand = wat_komt_eraan(tot, vergadering=vergadering)
    opdrachten = stand.te_laat + stand.voor_de_datum
    voorstellen = stand.voorstellen if griffie else []
    if not _sees_all(user):
        mine = set(
            Raadsopdracht.objects.filter(acties__contactpersoon=user).values_list(
                "pk", flat=True
            )
        )
        opdrachten = [o for o in opdrachten if o.pk in mine]
    return Overzicht(
        ontvanger=user,
        acties=[
            _actie_item(a, now)
            for a in acties.order_by("gepland_eind", "code").only(
                "pk", "code", "titel", "gepland_eind"
            )
        ]
        if not griffie or Rol.COORDINATOR in _roles(user)
        else [],
        raadsopdrachten=[_opdracht_item(o, now) for o in opdrachten],
        voorstellen=[_opdracht_item(o, now) for o in voorstellen],
    )


def _send_digest(overzicht: Overzicht, *, soort, onderwerp, sleutel, context, dry_run):
    if overzicht.leeg or not wants(overzicht.ontvanger, soort):
        return None
    if dry_run:
        return overzicht
    bericht = queue(
        ontvanger=overzicht.ontvanger,
        soort=soort,
        onderwerp=onderwerp,
        template="overzicht",
        context={**context, "overzicht": overzicht},
        sleutel=sleutel,
    )
    return overzicht if bericht else None


def weekly_digests(*, dry_run: bool = False, on: datetime.date | None = None) -> list:
    """This week's digest for everyone who wants one and has something in it;
    once per person and ISO week. Returns the digests sent (or that would be)."""
    on = on or today()
    year, week, _weekday = on.isocalendar()
    tot = on + datetime.timedelta(days=settings.DIGEST_HORIZON_DAYS)
    sent = []
    for user in digest_recipients():
        overzicht = digest_for(user, tot)
        done = _send_digest(
            overzicht,
            soort=BerichtSoort.WEEKOVERZICHT,
            onderwerp=_("Weekoverzicht week %(week)s: %(n)s te laat of binnenkort")
            % {"week": week, "n": overzicht.aantal},
            sleutel=f"week:{year}-W{week:02d}:{user.pk}",
            context={
                "inleiding": _(
                    "Dit zijn uw acties en raadsopdrachten die te laat zijn of "
                    "vóór %(datum)s klaar moeten zijn."
                )
                % {"datum": long_date(tot)},
                "waarom": _(
                    "U ontvangt dit weekoverzicht omdat het aan staat in uw "
                    "meldingsinstellingen."
                ),
            },
            dry_run=dry_run,
        )
        if done:
            sent.append(done)
    return sent


def coming_meetings(on: datetime.date | None = None) -> list:
    """The meetings whose digest is due: from tomorrow up to the set number of days."""
    on = on or today()
    return list(
        Vergadering.objects.filter(
            datum__gt=on,
            datum__lte=on
            + datetime.timedelta(days=settings.DIGEST_DAYS_BEFORE_MEETING),
        ).order_by("datum", "soort", "commissie")
    )


def meeting_digests(*, dry_run: bool = False, on: datetime.date | None = None) -> list:
    """Before each coming meeting, once per person: what is due before it."""
    sent = []
    for vergadering in coming_meetings(on):
        for user in digest_recipients():
            overzicht = digest_for(user, vergadering.datum, vergadering=vergadering)
            done = _send_digest(
                overzicht,
                soort=BerichtSoort.VERGADERING,
                onderwerp=_("Vóór %(orgaan)s van %(datum)s: %(n)s af te doen")
                % {
                    "orgaan": vergadering.orgaan,
                    "datum": long_date(vergadering.datum),
                    "n": overzicht.aantal,
                },
                sleutel=f"vergadering:{vergadering.pk}:{user.pk}",
                context={
                    "inleiding": _(
                        "%(orgaan)s vergadert op %(datum)s. Dit is wat daarvóór "
                        "af moet zijn, of al te laat is."
                    )
                    % {
                        "datum": long_date(vergadering.datum),
                        "orgaan": vergadering.orgaan,
                    },
                    "waarom": _(
                        "U ontvangt dit overzicht %(dagen)s dagen vóór elke "
                        "vergadering omdat het aan staat in uw meldingsinstellingen."
                    )
                    % {"dagen": settings.DIGEST_DAYS_BEFORE_MEETING},
                    "wat_komt_eraan_url": link(
                        f"{reverse('acties:wat-komt-eraan')}?datum={vergadering.datum}"
                    ),
                },
                dry_run=dry_run,
            )
            if done:
                sent.append(done)
    return sent
