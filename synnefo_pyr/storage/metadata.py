"""User metadata of accounts, containers and objects (M0.13): key
normalisation, the per-request limits, and replace/update semantics."""
from synnefo_pyr import errors

MAX_HEADERS = 90
MAX_NAME = 128
MAX_VALUE = 256
#: Object headers that count as user metadata besides X-Object-Meta-*.
OBJECT_EXTRAS = ("Content-Encoding", "Content-Disposition", "X-Object-Manifest")


def normalize_key(key):
    """``foo_BAR`` -> ``Foo-Bar``: keys are case-insensitive."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in key.replace("_", "-").split("-"))


def collect(headers, prefix, extras=()):
    """``{key: value}`` of the ``prefix`` headers in ``headers`` (a dict of
    header name -> decoded value) plus the ``extras`` headers kept under
    their own names (only when non-empty), checked against the limits."""
    found = {}
    count = 0
    lowered = prefix.lower()
    for name, value in headers.items():
        if name.lower().startswith(lowered) and len(name) > len(prefix):
            count += 1
            if len(name) > MAX_NAME:
                raise errors.Invalid("Header name too large.")
            if len(value) > MAX_VALUE:
                raise errors.Invalid("Header value too large.")
            found[normalize_key(name[len(prefix):])] = value
    for extra in extras:
        for name, value in headers.items():
            if name.lower() == extra.lower() and value:
                if len(value) > MAX_VALUE:
                    raise errors.Invalid("Header value too large.")
                found[extra] = value
    if count > MAX_HEADERS:
        raise errors.Invalid("Too many headers.")
    return found


def merge(current, sent, replace):
    """The metadata after a change: exactly ``sent`` when replacing, else
    ``current`` with the keys sent set, and those sent empty deleted."""
    if replace:
        return dict(sent)
    result = dict(current)
    for key, value in sent.items():
        if value == "":
            result.pop(key, None)
        else:
            result[key] = value
    return result
