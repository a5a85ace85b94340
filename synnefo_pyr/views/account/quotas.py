"""Resources, quotas and commissions (``/account/v1.0``, quota guide).

Thin views over the quota engine (``quotas/engine.py``), which the other
packages also call in-process. Like Astakos, these calls answer in JSON
only: their keys (user uuids) are no XML element names.
"""
from pyramid.security import NO_PERMISSION_REQUIRED

from synnefo_pyr import faults
from synnefo_pyr.identity import accounts
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.quotas import engine, registry
from synnefo_pyr.resources.account import Commissions
from synnefo_pyr.schemas.quotas import commission_body, resolve_many_body, serial_action_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.serialization import isoformat
from synnefo_pyr.service import SynnefoService

JSON = {"renderer": "synnefo_json"}
resources = SynnefoService(name="account.resources", path="/resources", **JSON)
user_quotas = SynnefoService(name="account.quotas", path="/quotas", **JSON)
service_quotas = SynnefoService(name="account.service_quotas", path="/service_quotas", **JSON)
commissions = SynnefoService(
    name="account.commissions", path="/commissions", factory=Commissions, **JSON
)
commission = SynnefoService(
    name="account.commission", path=r"/commissions/{serial:[0-9]+}", factory=Commissions, **JSON
)
commission_action = SynnefoService(
    name="account.commission_action", path=r"/commissions/{serial:[0-9]+}/action",
    factory=Commissions, **JSON
)
commissions_action = SynnefoService(
    name="account.commissions_action", path="/commissions/action", factory=Commissions, **JSON
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


def failure_dict(error):
    fault = faults.from_error(error, "account")
    return {fault.name: {"code": fault.code, "message": fault.message, "details": fault.details}}


@resources.get(permission=NO_PERMISSION_REQUIRED)
def list_resources(request):
    return {
        r.name: resource_dict(r)
        for r in registry.list_resources(request.dbsession, api_visible_only=True)
    }


@user_quotas.get(permission=P.QUOTAS_READ)
def get_quotas(request):
    dbsession = request.dbsession
    uuid = request.identity.user.uuid
    visible = registry.list_resources(dbsession, api_visible_only=True)
    return engine.quotas(dbsession, [uuid], visible)[uuid]


@service_quotas.get(permission=P.SERVICE_QUOTAS)
def get_service_quotas(request):
    dbsession = request.dbsession
    uuid = request.GET.get("user")
    holders = list(accounts.uuid_catalog(dbsession, None if uuid is None else [uuid]))
    if uuid is not None and not holders:
        raise faults.ItemNotFound(f"User {uuid} not found")
    own = registry.component_resources(dbsession, request.identity.component.name)
    return engine.quotas(dbsession, holders, own)


@commissions.get(permission=P.SERVICE_COMMISSIONS)
def list_pending(request):
    return engine.pending_serials(request.dbsession, request.context.client)


@commissions.post(permission=P.SERVICE_COMMISSIONS, validators=(json_object, commission_body))
def issue_commission(request):
    wanted = request.validated["commission"]
    dbsession, client = request.dbsession, request.context.client
    issued = engine.issue(dbsession, client, wanted.provisions, name=wanted.name, force=wanted.force)
    if wanted.auto_accept:
        engine.resolve_one(dbsession, client, issued.serial, accept=True)
    request.response.status_code = 201
    return {"serial": issued.serial}


@commission.get(permission=P.SERVICE_COMMISSIONS)
def get_commission(request):
    pending = request.context.pending(request.matchdict["serial"])
    return {
        "serial": pending.serial,
        "issue_time": isoformat(pending.issue_time),
        "name": pending.name,
        "provisions": [
            {"holder": p.holder, "source": p.source, "resource": p.resource.name,
             "quantity": p.quantity}
            for p in pending.provisions
        ],
    }


@commission_action.post(permission=P.SERVICE_COMMISSIONS, validators=(json_object, serial_action_body))
def resolve_commission(request):
    engine.resolve_one(
        request.dbsession, request.context.client, int(request.matchdict["serial"]),
        accept=request.validated["accept"],
    )
    return None


@commissions_action.post(permission=P.SERVICE_COMMISSIONS, validators=(json_object, resolve_many_body))
def resolve_commissions(request):
    accept, reject = request.validated["serials"]
    accepted, rejected, failed = engine.resolve(
        request.dbsession, request.context.client, accept=accept, reject=reject
    )
    return {
        "accepted": accepted,
        "rejected": rejected,
        "failed": [[serial, failure_dict(error)] for serial, error in failed],
    }


def includeme(config):
    for service in (resources, user_quotas, service_quotas, commissions, commissions_action,
                    commission, commission_action):
        config.add_cornice_service(service)
