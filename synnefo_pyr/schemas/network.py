"""Request bodies of the network service (behaviours-network.md L5).

Every body is an object holding one wrapper (``network``, ``subnet``,
``port``, ``floatingip``) whose value is an object; a missing or null
wrapper is 400 "Malformed request. Missing attribute '<wrapper>'.", any
other value 400 too (D5). Bulk forms (``{"networks": [...]}``) have no
singular wrapper and are refused the same way. Keys a call does not know
are ignored.

These validators check only the form of the body; the values are the
domain's to judge, in the order the contract gives (``network/*.py``),
since some checks come after lookups.
"""
from synnefo_pyr import faults

MALFORMED = "Malformed request"


def _missing(attribute):
    return faults.BadRequest(f"Malformed request. Missing attribute '{attribute}'.")


def _wrapped(request, wrapper, missing=None):
    body = request.validated["body"]
    value = body.get(wrapper)
    if value is None:
        raise missing or _missing(wrapper)
    if not isinstance(value, dict):
        raise faults.BadRequest(MALFORMED, f"'{wrapper}' must be an object")
    return value


def network_create_body(request, **kwargs):
    """``{"network": {"type": T, "name"?: N}}`` (L13 steps 1-2)."""
    attrs = _wrapped(request, "network")
    if attrs.get("type") is None:
        raise _missing("type")
    request.validated["network"] = attrs


def network_update_body(request, **kwargs):
    """``{"network": {"name": N}}`` (L15 steps 1-2)."""
    attrs = _wrapped(request, "network")
    if attrs.get("name") is None:
        raise _missing("name")
    request.validated["name"] = attrs["name"]


def subnet_create_body(request, **kwargs):
    """``{"subnet": {"network_id", "cidr", ...}}`` (L19 step 1)."""
    attrs = _wrapped(request, "subnet", faults.BadRequest(MALFORMED))
    if "network_id" not in attrs or "cidr" not in attrs:
        raise faults.BadRequest(MALFORMED, "'network_id' and 'cidr' are required")
    request.validated["subnet"] = attrs


def subnet_update_body(request, **kwargs):
    """Exactly ``{"subnet": {"name": X}}`` (L21)."""
    attrs = _wrapped(request, "subnet", faults.BadRequest(MALFORMED))
    if set(attrs) != {"name"}:
        raise faults.BadRequest("Only the name of subnet can be updated")
    request.validated["name"] = attrs["name"]


def port_create_body(request, **kwargs):
    """``{"port": {"network_id", ...}}`` (L25 step 1)."""
    attrs = _wrapped(request, "port")
    if attrs.get("network_id") is None:
        raise _missing("network_id")
    request.validated["port"] = attrs


def port_update_body(request, **kwargs):
    """``{"port": {...}}`` (L27): only ``name`` and ``security_groups`` count."""
    request.validated["port"] = _wrapped(request, "port")


def floating_ip_create_body(request, **kwargs):
    """``{"floatingip": {"floating_network_id"?, "floating_ip_address"?}}`` (L32)."""
    attrs = _wrapped(request, "floatingip")
    address = attrs.get("floating_ip_address")
    if address is not None and not isinstance(address, str):
        raise faults.BadRequest(MALFORMED, "'floating_ip_address' must be an address")
    request.validated["floatingip"] = attrs
