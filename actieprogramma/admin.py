from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts are deactivated, never deleted.

    History rows name the account that made each change, and history is
    append-only (in PostgreSQL a trigger refuses to blank the name), so an
    account that leaves is switched off with 'Actief' instead.
    """

    def has_delete_permission(self, request, obj=None):
        return False
