from django.contrib import admin
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from basis.admin import ReadOnlyHistoryAdmin

from . import services
from .models import Rolbeleid


@admin.register(Rolbeleid)
class RolbeleidAdmin(ReadOnlyHistoryAdmin):
    """Read only: the policy is changed on its own page, with a reason."""

    list_display = ["rol", "tweestaps_verplicht"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LoggedDeleteMixin:
    """Removing a device in the admin (a lost phone) leaves a security-log event."""

    def delete_model(self, request, obj):
        services.device_delete(
            device=obj,
            by=request.user,
            reason=_("Verwijderd via het beheer"),
            request=request,
        )

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            self.delete_model(request, device)


for model, base in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (LoggedDeleteMixin, base), {}))
