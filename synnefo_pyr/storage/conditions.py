"""Preconditions (M0.20): the If-Match / If-None-Match lists, and the
check a write makes against the current object while it holds the lock."""
from dataclasses import dataclass

from synnefo_pyr import errors

ANY = "*"


def parse_etags(value):
    """``None`` (no header), ``"*"``, or the set of lower-cased ETags of a
    list of quoted ones or of one unquoted one."""
    if value is None:
        return None
    value = value.strip()
    if value == ANY:
        return ANY
    return frozenset(part.strip().strip('"').lower() for part in value.split(",") if part.strip())


def matches(etags, etag):
    if etags is None:
        return True
    if etag is None:
        return False
    return etags == ANY or etag.lower() in etags


@dataclass(frozen=True)
class WriteConditions:
    if_match: object = None
    if_none_match: object = None


def check_write(conditions, etag):
    """``etag`` is the current object's (None: there is none)."""
    if conditions is None:
        return
    if conditions.if_match is not None:
        if etag is None:
            raise errors.PreconditionFailed("Resource does not exist")
        if not matches(conditions.if_match, etag):
            raise errors.PreconditionFailed("Resource ETag does not match")
    if conditions.if_none_match is not None and etag is not None \
            and matches(conditions.if_none_match, etag):
        raise errors.PreconditionFailed("Resource exists or ETag matches")
