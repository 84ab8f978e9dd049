"""A council's API keys: created, named, rotated and revoked by its administrator; checked on every API request.

A key is shown once, when it is made. The database keeps its public start (to find the row and to
tell keys apart on the page) and a SHA-256 hash of the whole key. A key is 160 random bits, so a
fast hash is safe here (nobody can guess through the space) where a password needs a slow one; and
a request checked 600 times a minute must not spend 50 ms on Argon2. Every change is audited.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from domain.vocabulary import UserRole
from webapp.extensions import db
from webapp.models import ApiKey, ApiKeyScope, User, utcnow
from webapp.services import NotAllowed, ServiceError
from webapp.services import audit

NAME_MAX = 80
KEYS_PER_COUNCIL = 20  # active keys: one per system and environment is plenty
PREFIX_START = "csw_"
# How stale "last used" may be before a request writes it again: a busy key is not a write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_KEY_SHAPE = re.compile(r"csw_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{20,64}")


class ApiKeyInvalid(ServiceError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class NewKey:
    """A key just made: the row, and the only time its secret exists in full."""

    key: ApiKey
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_admin(admin: User, key: ApiKey | None = None) -> int:
    """The council administrator's council (and, given a key, that it belongs to it)."""
    if admin.role != UserRole.ORG_ADMIN or admin.organisation_id is None:
        raise NotAllowed("Only your council's administrator can manage its API keys.")
    if key is not None and key.organisation_id != admin.organisation_id:
        raise NotAllowed("You can only manage your own council's API keys.")
    return admin.organisation_id


def clean_name(raw: str | None) -> str:
    name = re.sub(r"\s+", " ", raw or "").strip()
    if not name:
        raise ApiKeyInvalid({"name": "Enter a name for the key, like 'Oleeo live'"})
    if len(name) > NAME_MAX:
        raise ApiKeyInvalid({"name": f"Name must be {NAME_MAX} characters or fewer"})
    return name


def clean_scope(raw: str | None) -> ApiKeyScope:
    try:
        return ApiKeyScope(raw)
    except ValueError:
        raise ApiKeyInvalid({"scope": "Select what the key may do"}) from None


def _make(organisation_id: int, name: str, scope: ApiKeyScope, creator: User) -> NewKey:
    public = PREFIX_START + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
                                    for _ in range(10))
    secret = f"{public}_{secrets.token_urlsafe(30)}"
    key = ApiKey(organisation_id=organisation_id, name=name, prefix=public, key_hash=_hash(secret), scope=scope,
                 created_by_id=creator.id)
    db.session.add(key)
    db.session.flush()
    return NewKey(key, secret)


def active_count(organisation_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey).where(
        ApiKey.organisation_id == organisation_id, ApiKey.revoked_at.is_(None))) or 0


def create_key(admin: User, name: str | None, scope: str | None) -> NewKey:
    organisation_id = _check_admin(admin)
    errors: dict[str, str] = {}
    clean: dict = {}
    for field, reader, raw in (("name", clean_name, name), ("scope", clean_scope, scope)):
        try:
            clean[field] = reader(raw)
        except ApiKeyInvalid as invalid:
            errors.update(invalid.errors)
    if errors:
        raise ApiKeyInvalid(errors)
    if active_count(organisation_id) >= KEYS_PER_COUNCIL:
        raise ServiceError(f"Your council already has {KEYS_PER_COUNCIL} keys: revoke one you no longer use first.")
    made = _make(organisation_id, clean["name"], clean["scope"], admin)
    audit.record(admin, "api_key.created", made.key, organisation_id=organisation_id, name=made.key.name,
                 scope=made.key.scope.value)
    return made


def rotate_key(admin: User, key: ApiKey) -> NewKey:
    """A new key with the same name and scope; the old one stops working at once."""
    organisation_id = _check_admin(admin, key)
    if not key.is_active:
        raise ServiceError("This key has been revoked: create a new key instead.")
    made = _make(organisation_id, key.name, key.scope, admin)
    key.revoked_at = utcnow()
    key.revoked_by_id = admin.id
    key.replaced_by_id = made.key.id
    audit.record(admin, "api_key.rotated", key, organisation_id=organisation_id, replaced_by=made.key.id)
    return made


def revoke_key(admin: User, key: ApiKey) -> ApiKey:
    organisation_id = _check_admin(admin, key)
    if not key.is_active:
        raise ServiceError("This key has already been revoked.")
    key.revoked_at = utcnow()
    key.revoked_by_id = admin.id
    audit.record(admin, "api_key.revoked", key, organisation_id=organisation_id)
    return key


def keys_for(admin: User) -> list[ApiKey]:
    """The council's keys, active ones first, newest first."""
    organisation_id = _check_admin(admin)
    return list(db.session.scalars(sa.select(ApiKey).where(ApiKey.organisation_id == organisation_id).order_by(
        ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())))


def key_for_admin(admin: User, key_id: int) -> ApiKey | None:
    """The key if it is this administrator's council's; None otherwise (another council's looks absent)."""
    organisation_id = _check_admin(admin)
    if not 0 < key_id < 2**31:
        return None
    return db.session.scalar(sa.select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation_id))


def authenticate(presented: str | None, now: dt.datetime | None = None) -> ApiKey | None:
    """The active key this secret belongs to, or None. Notes its use (at most once a minute; the
    caller commits, so a request that fails still shows the key was used)."""
    if not presented or not _KEY_SHAPE.fullmatch(presented):
        return None
    prefix = presented[: len(PREFIX_START) + 10]
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not key.is_active or not hmac.compare_digest(key.key_hash, _hash(presented)):
        return None
    now = now or utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
    return key


def rate_limit_bucket(presented: str | None) -> str | None:
    """What a key's requests are counted under: its public start (never the secret)."""
    if presented and _KEY_SHAPE.fullmatch(presented):
        return presented[: len(PREFIX_START) + 10]
    return None
