"""The history tables as they were when migrations 0002 and 0003 were written.

Frozen here, as data of this point in the schema's life: a tracked model added
later needs a migration of its own that protects and indexes its table (a test
checks that every history table has the append-only trigger).
"""

HISTORY_TABLES = [
    "pijlers_historicalprogramma",
    "pijlers_historicalpijler",
    "pijlers_historicalactielijn",
    "pijlers_historicalactielijnpijler",
    "acties_historicalorganisatie",
    "acties_historicalactie",
    "acties_historicalactiepartner",
    "acties_historicalvoortgangsupdate",
    "acties_historicalindicator",
    "acties_historicalmeting",
    "acties_historicalraadsopdracht",
    "acties_historicalraadsopdrachtactie",
    "evaluatie_historicaltussenevaluatie",
    "evaluatie_historicalbevinding",
]
