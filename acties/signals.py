"""What happened in the register that others may want to hear about.

The services send these inside their transaction; whoever listens (the
e-mail notices, ``meldingen``) must never make the change fail, and acts
only once it is committed. Arguments: ``user`` (who did it) and the record.
"""

from django.dispatch import Signal

# opmerking: the new remark, question or reply (``opmerking.vraag`` set).
opmerking_geplaatst = Signal()
# raadsopdracht: the mandate whose settlement an officer proposes.
afdoening_voorgesteld = Signal()
# raadsopdracht, besluit ("afgedaan" or "teruggegeven"), voorsteller (the user
# who proposed it, or None), reden.
afdoening_besloten = Signal()
