"""The security log: one JSON object per line, for a SIEM or plain grep.

Each event has the UTC time, the user, the client address, the action, the
object and the result. Values are JSON-encoded, so text a user typed (a
username with a line break, say) cannot start a new line or fake a field;
passwords are never passed in.
"""

import datetime
import json
import logging

logger = logging.getLogger("actieprogramma.security")

FIELDS = ("action", "user", "ip", "object", "result")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
        }
        for field in FIELDS:
            event[field] = _text(getattr(record, field, None))
        if event["action"] is None:
            event["action"] = _text(record.getMessage())
        return json.dumps(event, ensure_ascii=True, sort_keys=False)


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value)
    # Bounded: a log line must not be a way to fill the disk.
    return text if len(text) <= 500 else text[:500] + "…"


def client_ip(request) -> str | None:
    """The client's address as the server saw it (REMOTE_ADDR).

    Behind a proxy, gunicorn's FORWARDED_ALLOW_IPS makes REMOTE_ADDR the
    forwarded address of trusted proxies only; X-Forwarded-For itself is never
    trusted here, as anyone can send it.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def _username(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.get_username()


def security_event(
    request, action: str, *, result: str = "ok", obj=None, user=None, level=None
) -> None:
    """Log one security event for ``request`` (which may be ``None``)."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    logger.log(
        level or logging.INFO,
        action,
        extra={
            "action": action,
            "user": user if isinstance(user, str) else _username(user),
            "ip": client_ip(request),
            "object": None if obj is None else str(obj),
            "result": result,
        },
    )
