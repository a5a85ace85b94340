"""Resources, quotas and commissions (``/account/v1.0``, quota guide).

Thin views over the quota engine (``synnefo_pyr/quotas.py``), which the
compute service also calls in-process. Like Astakos, these calls answer in
JSON only: their keys (user uuids) are no XML element names.
"""
from pyramid.security import NO_PERMISSION_REQUIRED

from .. import accounts, faults, quotas
from ..permissions import Permission as P
from ..resources.quotas import Commissions
from ..schemas.quotas import CommissionRequest, resolve_many, serial_action
from ..schemas.validators import json_object
from ..serialization import CONTENT_TYPES, JSON, dump_json, isoformat
from ..service import SynnefoService

resources = SynnefoService(name="account.resources", path="/resources")
user_quotas = SynnefoService(name="account.quotas", path="/quotas")
service_quotas = SynnefoService(name="account.service_quotas", path="/service_quotas")
commissions = SynnefoService(name="account.commissions", path="/commissions", factory=Commissions)
commission = SynnefoService(
    name="account.commission", path=r"/commissions/{serial:\d+}", factory=Commissions
)
commission_action = SynnefoService(
    name="account.commission_action", path=r"/commissions/{serial:\d+}/action", factory=Commissions
)
commissions_action = SynnefoService(
    name="account.commissions_action", path="/commissions/action", factory=Commissions
)


def resource_dict(resource):
    return {
        "service": resource.service,
        "description": resource.description,
        "unit": resource.unit,
        "allow_in_projects": resource.allow_in_projects,
        "ui_visible": resource.ui_visible,
        "api_visible": resource.api_visible,
    }


def json_only(request, data, status=200):
    response = request.response
    response.status_code = status
    response.body = dump_json(data)
    response.headers["Content-Type"] = CONTENT_TYPES[JSON]
    return response


def fault_dict(fault):
    return {fault.name: {"code": fault.code, "message": fault.message, "details": fault.details}}


@resources.get(permission=NO_PERMISSION_REQUIRED)
def list_resources(request):
    return json_only(request, {
        r.name: resource_dict(r)
        for r in quotas.list_resources(request.dbsession, api_visible_only=True)
    })


@user_quotas.get(permission=P.QUOTAS_READ)
def get_quotas(request):
    dbsession = request.dbsession
    uuid = request.identity.user.uuid
    visible = quotas.list_resources(dbsession, api_visible_only=True)
    return json_only(request, quotas.quotas(dbsession, [uuid], visible)[uuid])


@service_quotas.get(permission=P.SERVICE_QUOTAS)
def get_service_quotas(request):
    dbsession = request.dbsession
    uuid = request.GET.get("user")
    holders = list(accounts.uuid_catalog(dbsession, None if uuid is None else [uuid]))
    if uuid is not None and not holders:
        raise faults.ItemNotFound(f"User {uuid} not found")
    own = quotas.component_resources(dbsession, request.identity.component.name)
    return json_only(request, quotas.quotas(dbsession, holders, own))


@commissions.get(permission=P.SERVICE_COMMISSIONS)
def list_pending(request):
    return json_only(request, quotas.pending_serials(request.dbsession, request.context.client))


@commissions.post(permission=P.SERVICE_COMMISSIONS, validators=(json_object,))
def issue_commission(request):
    wanted = CommissionRequest.from_body(request.validated["body"])
    dbsession, client = request.dbsession, request.context.client
    issued = quotas.issue(dbsession, client, wanted.provisions, name=wanted.name, force=wanted.force)
    if wanted.auto_accept:
        quotas.resolve_one(dbsession, client, issued.serial, accept=True)
    return json_only(request, {"serial": issued.serial}, status=201)


@commission.get(permission=P.SERVICE_COMMISSIONS)
def get_commission(request):
    pending = request.context.pending(int(request.matchdict["serial"]))
    return json_only(request, {
        "serial": pending.serial,
        "issue_time": isoformat(pending.issue_time),
        "name": pending.name,
        "provisions": [
            {"holder": p.holder, "source": p.source, "resource": p.resource.name,
             "quantity": p.quantity}
            for p in pending.provisions
        ],
    })


@commission_action.post(permission=P.SERVICE_COMMISSIONS, validators=(json_object,))
def resolve_commission(request):
    accept = serial_action(request.validated["body"])
    serial = int(request.matchdict["serial"])
    quotas.resolve_one(request.dbsession, request.context.client, serial, accept=accept)
    return None


@commissions_action.post(permission=P.SERVICE_COMMISSIONS, validators=(json_object,))
def resolve_commissions(request):
    accept, reject = resolve_many(request.validated["body"])
    accepted, rejected, failed = quotas.resolve(
        request.dbsession, request.context.client, accept=accept, reject=reject
    )
    return json_only(request, {
        "accepted": accepted,
        "rejected": rejected,
        "failed": [[serial, fault_dict(fault)] for serial, fault in failed],
    })


def includeme(config):
    # The engine: settings, and the built-in resources registered at start.
    config.include("synnefo_pyr.quotas")
    for service in (resources, user_quotas, service_quotas, commissions, commissions_action,
                    commission, commission_action):
        config.add_cornice_service(service)
