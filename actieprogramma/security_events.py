"""What goes into the security log (beveiliging.security_log), wired up in
ActieprogrammaConfig.ready(): sign-ins, failures, lockouts, sign-outs, role and
account changes. Refused access is logged by the 403 handler (errors.py)."""

import logging
import time

from beveiliging.security_log import security_event


def _current_request():
    """The request being handled, as django-simple-history's middleware keeps it."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def on_logged_in(sender, request, user, **kwargs):
    from .middleware import LOGIN_AT, SEEN_AT

    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    security_event(request, "login", user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` is already cleansed by Django: the password is masked.
    # Only the username goes into the log.
    security_event(
        request,
        "login",
        result="failed",
        user=str(credentials.get("username", "")),
        level=logging.WARNING,
    )


def on_logged_out(sender, request, user, **kwargs):
    security_event(request, "logout", user=user)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    security_event(
        request,
        "login",
        result="locked_out",
        user=str(username or ""),
        level=logging.WARNING,
    )


def on_groups_changed(sender, instance, action, pk_set, reverse, model, **kwargs):
    """A role is a group: adding or removing one is a role change."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # Changed from the group's side: every account in pk_set changed.
        groups = [instance.name]
        accounts = list(
            model.objects.filter(pk__in=pk_set or []).values_list(
                model.USERNAME_FIELD, flat=True
            )
        )
    else:
        groups = list(
            model.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
        )
        accounts = [instance.get_username()]
    result = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}
    request = _current_request()
    for account in accounts:
        security_event(
            request,
            "role_change",
            obj=f"account={account} roles={','.join(sorted(groups)) or '*'}",
            result=result[action],
        )


def on_account_saved(sender, instance, created, update_fields=None, **kwargs):
    """Logs accounts created and switched on or off, and superuser changes.

    Not for raw saves: a restore (import_all) puts back accounts, it does not
    create them."""
    if kwargs.get("raw"):
        return
    previous = getattr(instance, "_security_previous", None)
    request = _current_request()
    if created:
        security_event(
            request, "account_created", obj=f"account={instance.get_username()}"
        )
        return
    if previous is None:
        return
    for field in ("is_active", "is_superuser", "is_staff"):
        if previous.get(field) != getattr(instance, field):
            value = getattr(instance, field)
            security_event(
                request,
                "account_change",
                obj=f"account={instance.get_username()} {field}={value}",
                result="changed",
            )


def remember_account_flags(sender, instance, **kwargs):
    if instance.pk is None or kwargs.get("raw"):
        return
    row = (
        type(instance)
        .objects.filter(pk=instance.pk)
        .values("is_active", "is_superuser", "is_staff")
        .first()
    )
    instance._security_previous = row


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import (
        user_logged_in,
        user_logged_out,
        user_login_failed,
    )
    from django.db.models.signals import m2m_changed, post_save, pre_save

    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="security-login")
    user_login_failed.connect(on_login_failed, dispatch_uid="security-login-failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="security-logout")
    user_locked_out.connect(on_locked_out, dispatch_uid="security-locked-out")
    m2m_changed.connect(
        on_groups_changed,
        sender=user_model.groups.through,
        dispatch_uid="security-groups",
    )
    pre_save.connect(
        remember_account_flags, sender=user_model, dispatch_uid="security-flags"
    )
    post_save.connect(
        on_account_saved, sender=user_model, dispatch_uid="security-account"
    )
