"""Bulk updates in the browser: upload, dry-run preview, confirm (acties.imports),
the import templates, and the whole programme as open data (acties.opendata).

The uploaded file waits in the person's session between preview and confirm;
confirming plans it again against the data as it is then, and writes only if
that is what the person saw.
"""

import base64
import hashlib
import json
from types import SimpleNamespace

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from basis.views import RoleRequiredMixin, breadcrumbs
from pijlers.models import Programma
from taken.models import Taak, TaakStatus
from taken.services import Uitkomst
from taken.services import register as register_job
from taken.services import start as start_job

from .exchange import IMPORT_KINDS, IMPORT_PERMISSIONS, importable_kinds
from .forms import ImportForm
from .imports import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    ImportPlan,
    StalePlan,
    apply_import,
    plan_import,
    read_table,
    too_large,
)
from .opendata import export_programme, to_csv_zip, to_json

SESSION_KEY = "acties_import"
# Files of more than IMPORT_JOB_ROWS rows are written by this job.
IMPORT_JOB = "import"
IMPORT_PREVIEW_JOB = "import_voorvertoning"


def _crumbs(*items, register=False):
    if register:
        return breadcrumbs(
            (_("Raadsopdrachten"), reverse("acties:raadsopdracht-list")), *items
        )
    return breadcrumbs((_("Acties"), reverse("acties:actie-list")), *items)


class ImportView(RoleRequiredMixin, FormView):
    """Officers import actions, updates and measurements; the griffie the
    register of mandates; each only the kinds their role may write."""

    form_class = ImportForm
    template_name = "acties/import_form.html"

    def has_permission(self):
        return bool(importable_kinds(self.request.user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    @property
    def kinds(self):
        return importable_kinds(self.request.user)

    def get_initial(self):
        from .selectors import current_programma

        wanted = self.request.GET.get("soort")
        soort = wanted if wanted in self.kinds else self.kinds[0]
        return {"soort": soort, "programma": current_programma()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds={k: v for k, v in IMPORT_KINDS.items() if k in self.kinds},
            max_mb=MAX_BYTES // 2**20,
            max_rows=MAX_ROWS,
            breadcrumbs=_crumbs((_("Importeren"), None)),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        # The preview's confirm button posts the fingerprint of what it showed.
        if "controle" in request.POST:
            return confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["bestand"]
        if upload.size > MAX_BYTES:
            form.add_error("bestand", too_large())
            return self.form_invalid(form)
        content = upload.read()
        stash = {
            "kind": form.cleaned_data["soort"],
            "programma": form.cleaned_data["programma"].pk,
            "reason": form.cleaned_data["reden"].strip(),
            "filename": upload.name,
            "content": base64.b64encode(content).decode(),
        }
        try:
            if _row_count(stash) > settings.IMPORT_JOB_ROWS:
                # A large file is checked by a job; its preview follows it.
                self.request.session[SESSION_KEY] = stash
                taak = start_job(
                    soort=IMPORT_PREVIEW_JOB,
                    titel=_("Controle van %(bestand)s") % {"bestand": upload.name},
                    user=self.request.user,
                    parameters={"stash": stash},
                )
                return redirect(taak.get_absolute_url())
            plan = _plan(stash)
        except ImportFileError as exc:
            form.add_error("bestand", str(exc))
            return self.form_invalid(form)
        self.request.session[SESSION_KEY] = stash
        return _preview(self.request, stash, plan)


def _row_count(stash) -> int:
    """The file's rows, read but not checked (cheap next to planning them)."""
    _headers, rows = read_table(base64.b64decode(stash["content"]), stash["filename"])
    return len(rows)


def stash_digest(stash) -> str:
    """What a preview was made of: the file, its kind, programme and reason."""
    text = json.dumps(stash, sort_keys=True).encode()
    return hashlib.sha256(text).hexdigest()


class PlanSnapshot(ImportPlan):
    """A plan as a preview job stored it: what the preview page shows of an
    ``ImportPlan`` (its counts and errors come from there), without its
    writers, and with the fingerprint the job computed."""

    def __init__(self, data: dict):
        super().__init__(kind="", rows=[SimpleNamespace(**row) for row in data["rows"]])
        self._fingerprint = data["fingerprint"]

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @classmethod
    def of(cls, plan) -> dict:
        return {
            "fingerprint": plan.fingerprint,
            "rows": [
                {
                    "number": row.number,
                    "key": row.key,
                    "action": row.action,
                    "errors": [[str(c or ""), str(m)] for c, m in row.errors],
                    "changes": [[str(v) for v in change] for change in row.changes],
                }
                for row in plan.rows
            ],
        }


def _plan(stash):
    programma = Programma.objects.get(pk=stash["programma"])
    headers, rows = read_table(base64.b64decode(stash["content"]), stash["filename"])
    return plan_import(
        stash["kind"], headers, rows, programma=programma, reason=stash["reason"]
    )


def _preview(request, stash, plan, *, stale=False, error=None, status=200):
    return render(
        request,
        "acties/import_preview.html",
        {
            "plan": plan,
            "stash": stash,
            "kind_label": IMPORT_KINDS[stash["kind"]][0],
            "programma": Programma.objects.get(pk=stash["programma"]),
            "to_write": plan.count("nieuw") + plan.count("wijzigen"),
            "op_de_achtergrond": len(plan.rows) > settings.IMPORT_JOB_ROWS,
            "stale": stale,
            "error": error,
            "breadcrumbs": _crumbs(
                (_("Importeren"), reverse("acties:import")),
                (_("Controleren"), None),
                register=stash["kind"] == "raadsopdrachten",
            ),
        },
        status=status,
    )


def confirm(request):
    """Write what the preview showed, if it is still what the file would do."""
    stash = request.session.get(SESSION_KEY)
    if stash and stash["kind"] not in importable_kinds(request.user):
        raise PermissionDenied
    if not stash:
        messages.warning(
            request,
            _("Er staat geen bestand klaar om op te slaan. Upload het opnieuw."),
        )
        return redirect("acties:import")
    try:
        rows = _row_count(stash)
        plan = _plan(stash) if rows <= settings.IMPORT_JOB_ROWS else None
    except (ImportFileError, Programma.DoesNotExist):
        request.session.pop(SESSION_KEY, None)
        messages.warning(request, _("Upload het bestand opnieuw."))
        return redirect("acties:import")
    fingerprint = request.POST.get("controle", "")
    if rows > settings.IMPORT_JOB_ROWS:
        # Checked again and written by the job: nothing is planned here.
        taak = start_job(
            soort=IMPORT_JOB,
            titel=_("Import van %(bestand)s (%(n)s rijen)")
            % {"bestand": stash["filename"], "n": rows},
            user=request.user,
            parameters={"stash": stash, "controle": fingerprint},
        )
        request.session.pop(SESSION_KEY, None)
        return redirect(taak.get_absolute_url())
    try:
        written = apply_import(
            plan, fingerprint=fingerprint, user=request.user, reason=stash["reason"]
        )
    except StalePlan:
        return _preview(request, stash, plan, stale=True, status=409)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        return _preview(request, stash, plan, error=error, status=400)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, done_message(written, stash))
    return redirect(list_url(stash))


def done_message(written: int, stash: dict) -> str:
    done = ngettext(
        "Het bestand is verwerkt: %(n)s rij opgeslagen, met de reden "
        "'%(reason)s' in de historie.",
        "Het bestand is verwerkt: %(n)s rijen opgeslagen, met de reden "
        "'%(reason)s' in de historie.",
        written,
    )
    return done % {"n": written, "reason": stash["reason"]}


def list_url(stash: dict) -> str:
    """The list the imported records are in, of the file's programme."""
    name = (
        "acties:raadsopdracht-list"
        if stash["kind"] == "raadsopdrachten"
        else "acties:actie-list"
    )
    return f"{reverse(name)}?programma={stash['programma']}"


class ImportPreviewView(RoleRequiredMixin, View):
    """The preview a job made of a large file, with the button to write it."""

    def has_permission(self):
        return bool(importable_kinds(self.request.user))

    def get(self, request, pk):
        taak = get_object_or_404(
            Taak,
            pk=pk,
            gebruiker=request.user,
            soort=IMPORT_PREVIEW_JOB,
            status=TaakStatus.KLAAR,
        )
        stash = request.session.get(SESSION_KEY)
        resultaat = taak.resultaat
        if not stash or resultaat.get("stash") != stash_digest(stash):
            messages.warning(
                request,
                _(
                    "Deze voorvertoning hoort niet (meer) bij het bestand dat "
                    "klaarstaat. "
                    "Upload het bestand opnieuw."
                ),
            )
            return redirect("acties:import")
        return _preview(request, stash, PlanSnapshot(resultaat["plan"]))


@register_job(IMPORT_PREVIEW_JOB)
def import_preview_job(taak, voortgang) -> Uitkomst:
    """Check every row of a large file as the preview does, and keep what the
    preview page shows; nothing is written."""
    stash = taak.parameters["stash"]
    if stash["kind"] not in importable_kinds(taak.gebruiker):
        raise PermissionDenied
    voortgang(10, _("Elke rij wordt gecontroleerd"))
    try:
        plan = _plan(stash)
    except (ImportFileError, Programma.DoesNotExist) as exc:
        raise ValidationError(str(exc)) from exc
    fouten = plan.count("fout")
    melding = _(
        "De controle is klaar: %(nieuw)s nieuw, %(wijzigen)s gewijzigd, "
        "%(fout)s met fouten. Bekijk de voorvertoning voordat u opslaat."
    ) % {
        "nieuw": plan.count("nieuw"),
        "wijzigen": plan.count("wijzigen"),
        "fout": fouten,
    }
    return Uitkomst(
        melding=melding,
        vervolg_url=reverse("acties:import-voorvertoning", args=[taak.pk]),
        resultaat={"stash": stash_digest(stash), "plan": PlanSnapshot.of(plan)},
    )


@register_job(IMPORT_JOB)
def import_job(taak, voortgang) -> Uitkomst:
    """A large file, confirmed in the browser, written by a worker: the same
    check that the data is still what the preview showed, all rows or none."""
    stash = taak.parameters["stash"]
    if stash["kind"] not in importable_kinds(taak.gebruiker):
        raise PermissionDenied
    voortgang(10, _("Het bestand wordt opnieuw gecontroleerd"))
    try:
        plan = _plan(stash)
    except (ImportFileError, Programma.DoesNotExist) as exc:
        raise ValidationError(
            _("Het bestand kon niet opnieuw worden gelezen; upload het opnieuw.")
        ) from exc
    voortgang(40, _("De rijen worden opgeslagen"))
    try:
        written = apply_import(
            plan,
            fingerprint=taak.parameters["controle"],
            user=taak.gebruiker,
            reason=stash["reason"],
        )
    except StalePlan as exc:
        raise ValidationError(
            _(
                "De gegevens zijn veranderd sinds u de voorvertoning zag; er is "
                "niets opgeslagen. Upload het bestand opnieuw en controleer de "
                "nieuwe voorvertoning."
            )
        ) from exc
    return Uitkomst(melding=done_message(written, stash), vervolg_url=list_url(stash))


class ImportTemplateView(RoleRequiredMixin, View):
    """An empty file with the expected columns, as CSV or Excel."""

    def has_permission(self):
        kind = self.kwargs.get("kind")
        if kind not in IMPORT_PERMISSIONS:
            return bool(importable_kinds(self.request.user))  # then a 404
        return self.request.user.has_perms(IMPORT_PERMISSIONS[kind])

    def get(self, request, kind, fmt):
        if kind not in IMPORT_KINDS or fmt not in {"csv", "xlsx"}:
            raise Http404
        _label, required, optional, _ignored = IMPORT_KINDS[kind]
        dataset = tablib.Dataset(headers=[*required, *optional])
        if fmt == "csv":
            body = ("\ufeff" + dataset.export("csv", delimiter=";")).encode()
            content_type = "text/csv; charset=utf-8"
        else:
            body = dataset.export("xlsx")
            content_type = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="sjabloon-{kind}.{fmt}"'
        )
        return response


def open_data_response(programma: Programma, fmt: str, *, intern: bool):
    data = export_programme(programma, intern=intern)
    suffix = "" if not intern else "-intern"
    if fmt == "json":
        response = HttpResponse(to_json(data), content_type="application/json")
    else:
        response = HttpResponse(to_csv_zip(data), content_type="application/zip")
    name = f"{programma.slug}{suffix}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ProgrammaExportView(RoleRequiredMixin, View):
    """The whole programme with internal fields, for re-import and archives."""

    permission_required = "acties.view_actie"

    def get(self, request, pk, fmt):
        if fmt not in {"json", "zip"}:
            raise Http404
        return open_data_response(get_object_or_404(Programma, pk=pk), fmt, intern=True)
