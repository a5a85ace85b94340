"""The OpenAPI 3.1 description of every JSON API, served at
``/openapi.json`` (also ``/openapi``).

Paths, methods and path parameters are generated from the registered
routes and their Cornice services, so the description cannot miss a URL
nor name one that does not exist. What a request carries is read off each
operation's validators: every validator that parses a body, the query or
headers has its entry in ``VALIDATORS`` (a test fails when one has none),
and the response of every error is the one fault body of A1.
"""
import re

from pyramid.interfaces import IRoutesMapper

from synnefo_pyr.service import SynnefoService

OPENAPI_VERSION = "3.1.0"

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
STRING_MAP = {"type": "object", "additionalProperties": STRING}


def obj(required=(), **properties):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def wrapped(key, inner):
    return obj([key], **{key: inner})


def one_key(**options):
    """An object with exactly one of ``options`` as its key (actions)."""
    return {"oneOf": [wrapped(key, schema) for key, schema in options.items()]}


#: The fault body (behaviours.md A1): one key, the fault's name.
FAULT = {
    "type": "object", "minProperties": 1, "maxProperties": 1,
    "additionalProperties": obj(["code", "message"], code=INTEGER, message=STRING, details=STRING),
}

_METADATA = wrapped("metadata", STRING_MAP)
_META = wrapped("meta", STRING_MAP)


def _json(schema):
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _optional_json(schema):
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": schema}}}}


def _query(*parameters):
    return {"parameters": [{"name": name, "in": "query", "required": False, "schema": schema}
                           for name, schema in parameters]}


def _headers(*names):
    return {"parameters": [{"name": "X-Image-Meta-" + name, "in": "header", "required": False,
                            "schema": STRING} for name in names]}


_CHANGES_SINCE = _query(("changes-since", {"type": "string", "format": "date-time"}))
_IMAGE_HEADERS = ("Name", "Location", "Disk-Format", "Container-Format", "Size", "Checksum",
                  "Is-Public", "Owner", "Property-Os")

#: What each validator (``module:qualname``) says about the request.
VALIDATORS = {
    "synnefo_pyr.schemas.validators:json_object": {},
    "synnefo_pyr.schemas.identity:authenticate_body": _json(wrapped("auth", obj(
        token=obj(["id"], id=STRING),
        passwordCredentials=obj(["username", "password"], username=STRING, password=STRING),
        tenantName=STRING,
    ))),
    "synnefo_pyr.schemas.identity:feedback_form": {"requestBody": {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": obj(
            ["feedback_msg"], feedback_msg=STRING, feedback_data=STRING)}}}},
    "synnefo_pyr.schemas.account:catalogs_body.<locals>.validate": _json(obj(
        uuids={"type": ["array", "null"], "items": STRING},
        displaynames={"type": ["array", "null"], "items": STRING},
    )),
    "synnefo_pyr.schemas.quotas:commission_body": _json(obj(
        ["provisions"],
        provisions={"type": "array", "items": obj(
            ["holder", "source", "resource", "quantity"],
            holder=STRING, source=STRING, resource=STRING, quantity=INTEGER)},
        force=BOOLEAN, auto_accept=BOOLEAN, name=STRING,
    )),
    "synnefo_pyr.schemas.quotas:resolve_many_body": _json(obj(
        accept={"type": "array", "items": INTEGER}, reject={"type": "array", "items": INTEGER})),
    "synnefo_pyr.schemas.quotas:serial_action_body": _json(one_key(accept=STRING, reject=STRING)),
    "synnefo_pyr.schemas.compute:changes_since_query": _CHANGES_SINCE,
    "synnefo_pyr.schemas.compute:create_server_body": _json(wrapped("server", obj(
        ["name", "imageRef", "flavorRef"],
        name=STRING, imageRef=STRING, flavorRef={"type": ["integer", "string"]},
        metadata=STRING_MAP,
        personality={"type": "array", "maxItems": 5, "items": obj(
            ["path", "contents"], path=STRING, contents=STRING, group=STRING, mode=INTEGER,
            owner=STRING)},
        # behaviours-network.md L39: a network (and an address), or a port.
        networks={"type": "array", "items": {"oneOf": [
            obj(["uuid"], uuid={"type": ["string", "integer"]}, fixed_ip={"type": ["string", "null"]}),
            obj(["port"], port={"type": ["string", "integer"]}),
        ]}},
    ))),
    "synnefo_pyr.schemas.compute:rename_body": _json(wrapped("server", obj(["name"], name=STRING))),
    "synnefo_pyr.schemas.compute:metadata_body": _json(_METADATA),
    "synnefo_pyr.schemas.compute:meta_item_body": _json(_META),
    "synnefo_pyr.schemas.compute:server_action_body": _json(one_key(
        start=obj(), shutdown=obj(), **{"os-start": {"type": ["object", "null"]},
                                        "os-stop": {"type": ["object", "null"]}},
        reboot=obj(type={"enum": ["SOFT", "HARD"]}),
        resize=obj(["flavorRef"], flavorRef={"type": ["integer", "string"]}),
        console=obj(["type"], type={"enum": ["vnc"]}),
        firewallProfile=obj(["profile"], profile={"enum": ["ENABLED", "DISABLED", "PROTECTED"]},
                            nic=STRING),
        addFloatingIp=obj(["address"], address=STRING),
        removeFloatingIp=obj(["address"], address=STRING),
    )),
    "synnefo_pyr.schemas.networks:create_body": _json(wrapped("network", obj(
        ["name", "type"], name=STRING,
        type={"enum": ["MAC_FILTERED", "IP_LESS_ROUTED", "CUSTOM", "PHYSICAL_VLAN"]},
        dhcp=BOOLEAN, cidr=STRING, gateway=STRING, cidr6=STRING, gateway6=STRING,
    ))),
    "synnefo_pyr.schemas.networks:rename_body": _json(wrapped("network", obj(["name"], name=STRING))),
    "synnefo_pyr.schemas.networks:action_body": _json(one_key(
        add=obj(["serverRef"], serverRef={"type": ["integer", "string"]}),
        remove=obj(serverRef={"type": ["integer", "string"]}, attachment=STRING),
    )),
    # The network service (behaviours-network.md): one wrapper per body.
    "synnefo_pyr.schemas.network:network_create_body": _json(wrapped("network", obj(
        ["type"], type={"enum": ["MAC_FILTERED", "IP_LESS_ROUTED", "CUSTOM", "PHYSICAL_VLAN"]},
        name=STRING, admin_state_up=BOOLEAN, shared=BOOLEAN,
    ))),
    "synnefo_pyr.schemas.network:network_update_body": _json(wrapped("network", obj(
        ["name"], name=STRING, admin_state_up=BOOLEAN, shared=BOOLEAN))),
    "synnefo_pyr.schemas.network:subnet_create_body": _json(wrapped("subnet", obj(
        ["network_id", "cidr"], network_id={"type": ["string", "integer"]}, cidr=STRING,
        ip_version={"enum": [4, 6]}, name=STRING, gateway_ip={"type": ["string", "null"]},
        enable_dhcp=BOOLEAN, enable_slaac=BOOLEAN,
        allocation_pools={"type": "array", "items": obj(["start", "end"], start=STRING, end=STRING)},
        dns_nameservers={"type": "array", "items": STRING},
        host_routes={"type": "array", "items": STRING},
    ))),
    "synnefo_pyr.schemas.network:subnet_update_body": _json(wrapped("subnet", obj(
        ["name"], name={"type": ["string", "null"]}))),
    "synnefo_pyr.schemas.network:port_create_body": _json(wrapped("port", obj(
        ["network_id"], network_id={"type": ["string", "integer"]},
        device_id={"type": ["string", "integer"]}, name=STRING,
        fixed_ips={"type": "array", "maxItems": 1, "items": obj(ip_address=STRING, subnet_id=STRING)},
        security_groups={"type": "array", "items": STRING},
    ))),
    "synnefo_pyr.schemas.network:port_update_body": _json(wrapped("port", obj(
        name=STRING, security_groups={"type": "array", "items": STRING}))),
    "synnefo_pyr.schemas.network:floating_ip_create_body": _json(wrapped("floatingip", obj(
        floating_network_id={"type": ["string", "integer", "null"]}, floating_ip_address=STRING))),
    "synnefo_pyr.schemas.images:list_query": _query(
        ("name", STRING), ("container_format", STRING), ("disk_format", STRING), ("status", STRING),
        ("size_min", INTEGER), ("size_max", INTEGER),
        ("sort_key", {"enum": ["id", "name", "status", "size", "disk_format", "container_format",
                               "created_at", "updated_at"]}),
        ("sort_dir", {"enum": ["asc", "desc"]}),
    ),
    "synnefo_pyr.schemas.images:registration_headers": _headers(*_IMAGE_HEADERS),
    "synnefo_pyr.schemas.images:update_headers": _headers(*_IMAGE_HEADERS, "Status"),
    "synnefo_pyr.schemas.images:memberships_body": _json(wrapped("memberships", {
        "type": "array", "items": obj(["member_id"], member_id=STRING, can_share=BOOLEAN)})),
    "synnefo_pyr.schemas.images:metadata_json": _json(_METADATA),
    "synnefo_pyr.schemas.images:meta_item_json": _json(_META),
    # Projects (behaviours-projects.md): POST bodies may be empty ({}); list
    # filters come as the request body or the ``body`` query parameter.
    "synnefo_pyr.schemas.projects:post_body": _optional_json(obj()),
    "synnefo_pyr.schemas.projects:filter_body": _query(("body", STRING)),
    "synnefo_pyr.schemas.projects:project_filters": _optional_json(obj(filter=obj(
        state={"type": ["string", "array"], "items": STRING},
        owner={"type": ["string", "array"], "items": STRING},
        name={"type": ["string", "array"], "items": STRING},
    ))),
    "synnefo_pyr.schemas.projects:project_filter": _optional_json(obj(project=INTEGER)),
    "synnefo_pyr.schemas.projects:application_spec": _json(obj(
        ["name", "end_date", "max_members"],
        owner=STRING, name=STRING, homepage=STRING, description=STRING, comments=STRING,
        start_date={"type": "string", "format": "date-time"},
        end_date={"type": "string", "format": "date-time"},
        join_policy={"enum": ["auto", "moderated", "closed"]},
        leave_policy={"enum": ["auto", "moderated", "closed"]},
        max_members=INTEGER,
        resources={"type": "object", "additionalProperties": obj(
            project_capacity=INTEGER, member_capacity=INTEGER)},
    )),
    # One key, the action (its value: a reason or an object, per action).
    "synnefo_pyr.schemas.projects:action_of.<locals>.validator": _json(
        {"type": "object", "minProperties": 1}),
    "synnefo_pyr.schemas.projects:membership_request": _json(one_key(
        join=obj(["project"], project={"type": ["integer", "string"]}),
        enroll=obj(["project", "user"], project={"type": ["integer", "string"]}, user=STRING),
    )),
}


def validator_key(validator):
    return f"{validator.__module__}:{validator.__qualname__}"


#: A route placeholder: ``{name}`` or ``{name:regex}`` (a regex may hold
#: one level of braces, ``{1,3}``, and slashes, ``{slash:/?}``).
PLACEHOLDER = re.compile(r"\{(\w+)(?::((?:[^{}]|\{[^{}]*\})*))?\}")


def _path_and_parameters(pattern):
    """``/a/{id}`` and its path parameters from a route pattern
    (``a/{id:[0-9]+}``)."""
    parameters = []

    def placeholder(match):
        name, regex = match.group(1), match.group(2)
        schema = dict(STRING, pattern=f"^({regex})$") if regex else STRING
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    path = "/" + PLACEHOLDER.sub(placeholder, pattern.strip("/"))
    if pattern.endswith("/") and path != "/":
        path += "/"
    return path, parameters


def _security(permission):
    if not isinstance(permission, str) or permission.startswith("__"):
        return []
    return [{"serviceToken": []}] if permission.startswith("service:") else [{"userToken": []}]


def _operation(method, service, args, path_parameters):
    permission = args.get("permission")
    operation = {
        "operationId": f"{service.name}.{method.lower()}",
        "summary": (service.description or service.name),
        "security": _security(permission),
        "x-permission": permission if isinstance(permission, str) else None,
        "parameters": list(path_parameters) + [
            {"name": "format", "in": "query", "required": False, "schema": {"enum": ["json", "xml"]}},
        ],
        "responses": {
            "2XX": {"description": "Success (body as the guides describe)"},
            "default": {"description": "A fault", "content": {"application/json": {"schema": FAULT}}},
        },
    }
    for validator in args.get("validators", ()):
        part = VALIDATORS.get(validator_key(validator))
        if part is None:
            raise KeyError(f"No OpenAPI entry for validator {validator_key(validator)}")
        operation["parameters"] += part.get("parameters", [])
        if "requestBody" in part:
            operation["requestBody"] = part["requestBody"]
    return operation


def routed_operations(registry):
    """``[(route pattern, method, service, view arguments)]`` of every
    route a Cornice service answers."""
    found = []
    for route in registry.getUtility(IRoutesMapper).get_routes():
        service = SynnefoService.by_route.get(route.name)
        if service is None:
            continue
        for method, _view, args in service.definitions:
            found.append((route.pattern, method, service, args))
    return found


def describe(registry):
    """The OpenAPI 3.1 document of the application behind ``registry``."""
    paths = {}
    for pattern, method, service, args in routed_operations(registry):
        path, parameters = _path_and_parameters(pattern)
        paths.setdefault(path, {})[method.lower()] = _operation(method, service, args, parameters)
    settings = registry.synnefo
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "synnefo_pyr: the Synnefo cloud APIs",
            "version": "0.1.0",
            "description": "Identity, account (quotas, commissions, projects), compute, network, "
                           "image and object-store APIs. Every error answers the fault body of "
                           "`default`.",
        },
        "servers": [{"url": settings.base_url}] if settings.base_url else [],
        "components": {"securitySchemes": {
            "userToken": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"},
            "serviceToken": {"type": "apiKey", "in": "header", "name": "X-Auth-Token",
                             "description": "A service component's token"},
        }},
        "paths": dict(sorted(paths.items())),
    }
