"""Accounts (``/<account>``, M4-M7): metadata, groups, quota, usage, and
their containers."""
from synnefo_pyr import faults
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.storage import account_factory
from synnefo_pyr.schemas import storage as schema
from synnefo_pyr.storage import accounts, containers, listing, nodes, sharing
from synnefo_pyr.storage.models import PublicLink
from synnefo_pyr.views.storage import render
from synnefo_pyr.views.storage.common import (
    modified_since, not_modified, order_methods, refuse_cross_user_until, service,
)

account = service("account", "/{account}{slash:/?}", account_factory, ("HEAD", "POST", "GET"))


def _headers(request, response, state):
    context = request.context
    response.headers["Last-Modified"] = render.http_date(state.last_modified_us)
    if not context.is_owner:
        return
    response.headers["X-Account-Container-Count"] = str(state.container_count)
    response.headers["X-Account-Bytes-Used"] = str(state.bytes_used)
    response.headers["X-Account-Policy-Quota"] = str(state.quota)
    if state.until_us is not None:
        response.headers["X-Account-Until-Timestamp"] = render.http_date(state.until_us)
    render.set_meta(response, "X-Account-Meta-", state.meta)
    for name, members in state.groups.items():
        response.headers["X-Account-Group-" + name[:1].upper() + name[1:]] = ",".join(members)


def _state(request):
    context = request.context
    refuse_cross_user_until(request, context)
    db = request.dbsession
    if nodes.account_node(db, context.account) is None:
        # Seen by a reader, an account always exists once it shares something.
        raise faults.ItemNotFound("Account does not exist")
    state = accounts.state(db, context.account, schema.until_us(request))
    if modified_since(request, state.last_modified_us):
        not_modified({"Last-Modified": render.http_date(state.last_modified_us)})
    return state


@account.get(permission=P.STORAGE_READ)
def list_containers(request):
    if request.method == "HEAD":
        return account_meta(request)
    context = request.context
    state = _state(request)
    db = request.dbsession
    owner = context.is_owner
    public = schema.present(request, "public")
    if public and not owner:
        raise faults.Forbidden("Public container listing is not allowed to non path owners")
    until = schema.until_us(request)
    account_node = nodes.account_node(db, context.account)
    if until is not None:
        found = [node for node, _ in accounts.containers_at(db, account_node, until)]
    else:
        found = accounts.containers(db, account_node)
    if not owner:
        allowed = set(sharing.shared_containers(db, context.user, account_node.id))
        found = [n for n in found if n.id in allowed]
    elif schema.present(request, "shared") or public:
        wanted = set()
        if schema.present(request, "shared"):
            wanted |= {n.id for n in found if listing.list_objects(db, n.id, shared=True, limit=1)}
        if public:
            wanted |= {n.id for n in found if db.query(PublicLink).join(
                nodes.Node, nodes.Node.id == PublicLink.node_id).filter(nodes.Node.parent_id == n.id).first()}
        found = [n for n in found if n.id in wanted]
    found = listing.page(found, request.GET.get("marker"), schema.int_param(request, "limit"),
                         key=lambda n: n.name)
    fmt = schema.reply_format(request, schema.TEXT)
    json_items = []
    if fmt != schema.TEXT:
        stats = nodes.container_stats(db, [n.id for n in found], until) if owner else {}
        for node in found:
            if not owner:
                json_items.append({"name": node.name, "last_modified": render.iso(node.modified_us)})
                continue
            item = {"name": node.name, "count": stats[node.id].count, "bytes": stats[node.id].bytes,
                    "last_modified": render.iso(node.modified_us)}
            if until is not None:
                last = nodes.last_change_before(db, [node.id], until) or until
                item["x_container_until_timestamp"] = render.iso(last)
            policy = containers.policy_of(node)
            item["x_container_policy"] = {"quota": str(policy["quota"]), "versioning": policy["versioning"]}
            json_items.append(item)
    xml_items = render.xml_element("account", {"name": context.account}, "".join(
        f"<container>{render.xml_fields(item)}</container>" for item in json_items))
    response = render.listing(fmt, [n.name for n in found], json_items, xml_items)
    _headers(request, response, state)
    return response


@account.decorator("HEAD", permission=P.STORAGE_READ)
def account_meta(request):
    state = _state(request)
    response = render.empty(204)
    _headers(request, response, state)
    return response


@account.post(permission=P.STORAGE_OWN)
def update_account(request):
    context = request.context
    meta = schema.meta(request, "X-Account-Meta-")
    groups = schema.groups(request)
    replace = not schema.present(request, "update")
    schema.domain(accounts.update, request.dbsession, context.account, user=context.user,
                  meta=meta, replace=replace, groups=groups)
    return render.empty(202)


order_methods(account)
