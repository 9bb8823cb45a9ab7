import datetime
from decimal import Decimal

import pytest

from acties.models import Meting, Vergadering
from acties.services import document_add, opmerking_place
from historie.records import save_with_history, system_user
from tests.documents import pdf_bytes, upload
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    IndicatorFactory,
    OrganisatieFactory,
    PijlerFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    TussenevaluatieFactory,
    VoortgangsupdateFactory,
)


@pytest.fixture
def world(db):
    """One of every record, linked as in a real programme."""
    actielijn = ActielijnFactory(naam="Signalering en melden", nummer=3)
    pijler = PijlerFactory(programma=actielijn.programma, naam="Bestrijden")
    from pijlers.models import ActielijnPijler

    save_with_history(
        ActielijnPijler(actielijn=actielijn, pijler=pijler),
        user=system_user(),
        reason="Testgegevens",
    )
    organisatie = OrganisatieFactory(naam="Politie eenheid Den Haag")
    actie = ActieFactory(actielijn=actielijn, code="3.1", trekker=organisatie)
    indicator = IndicatorFactory(actie=actie)
    meting = save_with_history(
        Meting(indicator=indicator, datum=datetime.date(2026, 1, 1), waarde=Decimal(5)),
        user=system_user(),
        reason="Testgegevens",
    )
    opdracht = RaadsopdrachtFactory(
        nummer="H.4", ris_nummer="RIS302261", programmaoverstijgend=True
    )
    return {
        "programma": actielijn.programma,
        "actielijn": actielijn,
        "pijler": pijler,
        "organisatie": organisatie,
        "actie": actie,
        "update": VoortgangsupdateFactory(actie=actie),
        "indicator": indicator,
        "meting": meting,
        "raadsopdracht": opdracht,
        "koppeling": RaadsopdrachtActieFactory(raadsopdracht=opdracht, actie=actie),
        "evaluatie": TussenevaluatieFactory(programma=actielijn.programma),
        "document": document_add(
            record=actie,
            upload=upload("Plan van aanpak.pdf", pdf_bytes()),
            user=system_user(),
            reason="Testgegevens",
        ),
        "opmerking": opmerking_place(
            record=actie, tekst="Wanneer start de pilot?", user=system_user()
        ),
        "vergadering": save_with_history(
            Vergadering(soort="raad", datum=datetime.date(2026, 5, 28)),
            user=system_user(),
            reason="Testgegevens",
        ),
    }
