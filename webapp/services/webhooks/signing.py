"""How webhook requests are signed and checked: `t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`.

Each endpoint's secret is derived from the app's signing key and the endpoint's random salt rather
than stored, so it can be shown once and re-derived to sign, while a copy of the database alone
cannot forge an event. A receiver checks the signature and that the time is recent (replay).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from flask import current_app

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "CSWJobs-Signature"
SCHEME = "v1"
TOLERANCE_SECONDS = 300  # what docs/webhooks.md tells receivers to accept


def new_salt() -> str:
    return secrets.token_hex(32)


def _signing_key() -> bytes:
    key = current_app.config.get("WEBHOOK_SIGNING_KEY") or current_app.config["SECRET_KEY"]
    return key.encode()


def secret_for(salt: str) -> str:
    """The endpoint's secret, as shown to its council once: whsec_ and 43 URL-safe characters."""
    digest = hmac.new(_signing_key(), b"cswjobs webhook endpoint secret:" + salt.encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hint(secret: str) -> str:
    """The last few characters, so an administrator can tell which secret a receiver holds."""
    return secret[-4:]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(signing_secrets: list[str], body: bytes, timestamp: int | None = None) -> str:
    """The header's value, one v1= per secret (two for a day after a rotation, newest first)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return ",".join([f"t={timestamp}"] + [f"{SCHEME}={signature(s, timestamp, body)}" for s in signing_secrets])


class SignatureInvalid(ValueError):
    pass


def verify(header: str, body: bytes, secret: str, tolerance: int = TOLERANCE_SECONDS, now: float | None = None) -> int:
    """What a receiver does (docs/webhooks.md, in Python): the timestamp if one v1 signature matches and the time
    is within ``tolerance`` seconds; SignatureInvalid otherwise."""
    timestamp, candidates = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == SCHEME:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureInvalid("no timestamp or no v1 signature in the header")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureInvalid("the timestamp is outside the tolerance: a replay, or a clock that is wrong")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureInvalid("no signature matches this secret")
    return timestamp
