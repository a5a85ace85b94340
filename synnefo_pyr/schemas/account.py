"""The user catalogs request of the identity guide:

================  ===============================================
``uuids``         list of user uuids to name (services: or null)
``displaynames``  list of display names to resolve (or null)
================  ===============================================
"""
from synnefo_pyr import faults


def _names(body, key, allow_all):
    value = body.get(key, [])
    if value is None:
        return None if allow_all else []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise faults.BadRequest("Malformed request", f"'{key}' must be a list of strings")
    return value


def catalogs_body(allow_all):
    """A Cornice validator: ``request.validated["catalogs"]`` is ``(uuids,
    displaynames)``, ``None`` standing for every user where ``allow_all``."""

    def validate(request, **kwargs):
        body = request.validated["body"]
        request.validated["catalogs"] = (
            _names(body, "uuids", allow_all), _names(body, "displaynames", allow_all)
        )

    return validate
