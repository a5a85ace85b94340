"""The commission requests of the quota guide.

Issue (``POST /commissions``):

===============  ==============================================  ========
``provisions``   list of ``{holder, source, resource, quantity}``  required
``name``         a description of the operation (string)           optional
``force``        succeed even if a limit is surpassed (boolean)     optional
``auto_accept``  issue and accept at once (boolean)                 optional
===============  ==============================================  ========

``holder``, ``source`` and ``resource`` are strings, ``quantity`` an
integer (negative to release) that fits in 64 bits; ``name`` has at most
255 characters.

Resolve one (``POST /commissions/<serial>/action``): exactly one of
``accept`` and ``reject``, whatever its value.

Resolve many (``POST /commissions/action``): ``accept`` and ``reject``,
lists of integer serials, each optional.
"""
from dataclasses import dataclass

from synnefo_pyr import faults
from synnefo_pyr.quotas.engine import INVALID, ProvisionSpec
from synnefo_pyr.quotas.registry import QUANTITY_MAX, QUANTITY_MIN

NAME_MAX_LENGTH = 255
PROVISION_KEYS = ("holder", "source", "resource", "quantity")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _flag(body, key):
    value = body.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise faults.BadRequest(INVALID, f"'{key}' must be a boolean")
    return value


def _provision(item):
    if not isinstance(item, dict):
        raise faults.BadRequest(INVALID, "Each provision must be an object")
    missing = [key for key in PROVISION_KEYS if key not in item]
    if missing:
        raise faults.BadRequest(INVALID, f"Provision lacks {', '.join(missing)}")
    for key in ("holder", "source", "resource"):
        if not isinstance(item[key], str) or not item[key]:
            raise faults.BadRequest(INVALID, f"Provision '{key}' must be a non-empty string")
    if not _is_int(item["quantity"]) or not QUANTITY_MIN <= item["quantity"] <= QUANTITY_MAX:
        raise faults.BadRequest(INVALID, "Provision 'quantity' must be a 64-bit integer")
    return ProvisionSpec(item["holder"], item["source"], item["resource"], item["quantity"])


@dataclass(frozen=True)
class CommissionRequest:
    provisions: list
    name: str = ""
    force: bool = False
    auto_accept: bool = False

    @classmethod
    def from_body(cls, body):
        provisions = body.get("provisions")
        if not isinstance(provisions, list):
            raise faults.BadRequest(INVALID, "'provisions' must be a list")
        name = body.get("name") or ""
        if not isinstance(name, str) or len(name) > NAME_MAX_LENGTH:
            raise faults.BadRequest(
                INVALID, f"'name' must be a string of at most {NAME_MAX_LENGTH} characters"
            )
        return cls(
            provisions=[_provision(item) for item in provisions],
            name=name,
            force=_flag(body, "force"),
            auto_accept=_flag(body, "auto_accept"),
        )


def serial_action(body):
    """``True`` to accept, ``False`` to reject."""
    accept, reject = "accept" in body, "reject" in body
    if accept == reject:
        raise faults.BadRequest("Malformed request", "Give exactly one of 'accept' and 'reject'")
    return accept


def _serials(body, key):
    value = body.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(_is_int(serial) for serial in value):
        raise faults.BadRequest("Malformed request", f"'{key}' must be a list of integer serials")
    return value


def resolve_many(body):
    """``(accept, reject)`` lists of serials."""
    return _serials(body, "accept"), _serials(body, "reject")


# --- Cornice validators (after ``json_object``) -----------------------------


def commission_body(request, **kwargs):
    request.validated["commission"] = CommissionRequest.from_body(request.validated["body"])


def serial_action_body(request, **kwargs):
    request.validated["accept"] = serial_action(request.validated["body"])


def resolve_many_body(request, **kwargs):
    request.validated["serials"] = resolve_many(request.validated["body"])
