"""Public objects (M0.19): a random token per published object path."""
import secrets

from sqlalchemy import delete, select

from synnefo_pyr import errors
from synnefo_pyr.db import insert_ignoring_duplicates
from synnefo_pyr.storage.models import PublicLink

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def parse(value):
    """``X-Object-Public``: True, False (``false`` or empty)."""
    value = "".join(value.split()).lower()
    if value == "true":
        return True
    if value in ("false", ""):
        return False
    raise errors.Invalid("Bad X-Object-Public header value")


def _token(bits):
    number = secrets.randbits(bits)
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(_ALPHABET[digit])
    return "".join(digits) or "0"


def token_of(dbsession, node_id):
    return dbsession.scalar(select(PublicLink.token).where(PublicLink.node_id == node_id))


def set_public(dbsession, node_id, public):
    """Publish (keeping an existing token) or unpublish the path."""
    if not public:
        dbsession.execute(delete(PublicLink).where(PublicLink.node_id == node_id))
        return None
    existing = token_of(dbsession, node_id)
    if existing:
        return existing
    bits = 128
    for _ in range(8):
        token = _token(bits)
        insert_ignoring_duplicates(dbsession, PublicLink.__table__, [{"node_id": node_id, "token": token}])
        found = token_of(dbsession, node_id)
        if found:
            return found
        bits += 32  # a collision: retry longer
    raise errors.Unavailable("Could not make a public token")


def node_of(dbsession, token):
    return dbsession.scalar(select(PublicLink.node_id).where(PublicLink.token == token))
