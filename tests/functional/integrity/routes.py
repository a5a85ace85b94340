"""The registered routes of the application, for tests that must cover
every endpoint (hostile input, the OpenAPI description)."""
from pyramid.interfaces import IRoutesMapper

from synnefo_pyr.service import SynnefoService
from synnefo_pyr.schemas.validators import json_object

#: Validators that parse a JSON body.
JSON_VALIDATORS = ("json_object", "authenticate_body")


def operations(registry):
    """``[(method, path pattern with a leading /, permission, validator names)]``."""
    found = []
    for route in registry.getUtility(IRoutesMapper).get_routes():
        service = SynnefoService.by_route.get(route.name)
        if service is None:
            continue
        pattern = "/" + route.pattern.lstrip("/")
        for method, _view, args in service.definitions:
            names = tuple(v.__name__ for v in args.get("validators", ()))
            found.append((method, pattern, args.get("permission"), names))
    return found


def json_operations(registry):
    return [op for op in operations(registry) if set(op[3]) & set(JSON_VALIDATORS)]


def fill(pattern, values):
    """A URL of ``pattern`` (``{name}`` or ``{name:regex}`` parts) with ``values``."""
    out = []
    for part in pattern.split("/"):
        if part.startswith("{") and part.endswith("}"):
            part = str(values[part[1:-1].split(":", 1)[0]])
        out.append(part)
    return "/".join(out)


assert json_object.__name__ in JSON_VALIDATORS
