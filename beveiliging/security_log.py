"""The security log: one JSON object per line, for a SIEM or plain grep.

Each event has the UTC time, the user, the client address, the action, the
object and the result. Values are JSON-encoded, so text a user typed (a
username with a line break, say) cannot start a new line or fake a field;
passwords are never passed in.
"""

import datetime
import functools
import ipaddress
import json
import logging

from django.conf import settings

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
    """The client's address, for the security log and the sign-in lockout.

    django-axes calls this too (``AXES_CLIENT_IP_CALLABLE``), so the lockout
    and the log always name the same address. Without ``TRUSTED_PROXIES`` it
    is the socket's address (``REMOTE_ADDR``) and X-Forwarded-For is ignored:
    anyone can send that header. When the request comes from a trusted proxy,
    the header is read from the right: each proxy appends the address it saw,
    so the right-most entry that is not itself a trusted proxy is the client.
    Everything to the left of it came from the client and may be made up.
    Where that chain breaks (an entry that is no address), the last address a
    trusted proxy vouched for is used.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    hop = _address(remote or "")
    if not trusted or hop is None or not _is_trusted(hop, trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded else []):
        address = _address(entry)
        if address is None:
            break
        hop = address
        if not _is_trusted(address, trusted):
            break
    return str(hop)


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    # Checked at start-up by the settings; parsed once per value here.
    return tuple(ipaddress.ip_network(network) for network in trusted)


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def _address(text: str) -> Address | None:
    """An address from a header entry; ``None`` if it is none.

    Some proxies add a port ("192.0.2.1:51234", "[2001:db8::1]:443"). An IPv4
    address seen over an IPv6 socket ("::ffff:192.0.2.1") counts as IPv4, so
    that proxies and clients are listed and logged one way.
    """
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


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
