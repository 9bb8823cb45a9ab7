"""Documents attached to actions and mandates: adding, describing, withdrawing,
downloading.

A download checks the reader's right to the record the document belongs to,
on every request: anonymous readers get 404 (nothing says the document
exists), signed-in readers without that right 403. Public documents of a
public programme are served from the programme's public page instead
(``actieprogramma.public_views``), never from here.
"""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from basis.uploads import repr_digest
from basis.views import ServiceFormView, breadcrumbs

from . import services
from .forms import DocumentForm, DocumentUpdateForm
from .models import Actie, Document
from .permissions import can_attach, can_change_document, can_read_record
from .views import record_crumbs


def document_response(document: Document) -> FileResponse:
    """The stored file, as a download under its original name."""
    if not default_storage.exists(document.bestand.name):
        raise Http404
    response = FileResponse(
        default_storage.open(document.bestand.name, "rb"),
        as_attachment=True,
        filename=document.bestandsnaam,
        content_type=document.mediatype,
    )
    # Always a download (Content-Disposition: attachment, and the site's
    # nosniff and CSP headers), never rendered in the application's origin.
    response["Repr-Digest"] = repr_digest(document.sha256)
    return response


class DocumentCreateView(ServiceFormView):
    """``/acties/<pk>/documenten/nieuw/`` and the same under a mandate."""

    permission_required = "acties.add_document"
    form_class = DocumentForm
    template_name = "acties/document_form.html"
    success_message = _("Het document is toegevoegd.")
    model = Actie

    @cached_property
    def record(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_attach(request.user, self.record):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.document_add(
            record=self.record,
            upload=data["bestand"],
            titel=data["titel"],
            soort=data["soort"],
            kenmerk=data["kenmerk"],
            openbaar=data["openbaar"],
            user=self.request.user,
            reason=form.reason(_("Document toegevoegd")),
        )

    def get_success_url(self, result=None) -> str:
        return f"{self.record.get_absolute_url()}#documenten"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.record,
            title=_("Document toevoegen"),
            cancel_url=self.record.get_absolute_url(),
            breadcrumbs=breadcrumbs(
                *record_crumbs(self.record), (_("Document toevoegen"), None)
            ),
            **kwargs,
        )


class DocumentUpdateView(ServiceFormView):
    permission_required = "acties.change_document"
    form_class = DocumentUpdateForm
    template_name = "acties/document_form.html"
    success_message = _("Het document is bijgewerkt.")

    @cached_property
    def document(self):
        return get_object_or_404(
            Document.objects.select_related("actie", "raadsopdracht"),
            pk=self.kwargs["pk"],
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_change_document(
            request.user, self.document
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        d = self.document
        return {
            "titel": d.titel,
            "soort": d.soort,
            "kenmerk": d.kenmerk,
            "openbaar": d.openbaar,
            "ingetrokken": d.ingetrokken,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.document_update(
            document=self.document,
            titel=data["titel"],
            soort=data["soort"],
            kenmerk=data["kenmerk"],
            openbaar=data["openbaar"],
            ingetrokken=data["ingetrokken"],
            user=self.request.user,
            reason=form.reason(_("Document bijgewerkt")),
        )

    def get_success_url(self, result=None) -> str:
        return f"{self.document.record.get_absolute_url()}#documenten"

    def get_context_data(self, **kwargs):
        record = self.document.record
        return super().get_context_data(
            record=record,
            document=self.document,
            title=_("Document bijwerken of intrekken"),
            cancel_url=record.get_absolute_url(),
            breadcrumbs=breadcrumbs(
                *record_crumbs(record), (_("Document bijwerken"), None)
            ),
            **kwargs,
        )


class DocumentDownloadView(View):
    """``/documenten/<pk>/<bestandsnaam>``: for those who may read the record."""

    def get(self, request, pk, naam):
        document = (
            Document.objects.select_related("actie", "raadsopdracht")
            .filter(pk=pk)
            .first()
        )
        user = request.user
        if document is None or not user.is_authenticated:
            raise Http404
        if not (
            user.has_perm("acties.view_document")
            and can_read_record(user, document.record)
        ):
            raise PermissionDenied
        return document_response(document)
