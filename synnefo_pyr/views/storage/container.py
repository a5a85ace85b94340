"""Containers (``/<account>/<container>``, M8-M14): metadata and
policies, object listings, block uploads, delete."""
from synnefo_pyr import faults
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.storage import container_factory
from synnefo_pyr.schemas import storage as schema
from synnefo_pyr.storage import containers, listing, sharing, uploads
from synnefo_pyr.storage.hashing import ALGORITHM
from synnefo_pyr.views.storage import render
from synnefo_pyr.views.storage.common import (
    modified_since, not_modified, order_methods, refuse_cross_user_until, service,
)
from synnefo_pyr.views.storage.streams import body_reader

container = service("container", "/{account}/{container}{slash:/?}", container_factory,
                    ("HEAD", "PUT", "POST", "DELETE", "GET"))


def _settings(request):
    return request.registry.storage_settings


def _visible(request):
    """What a cross-user caller may see in the container (None: the owner)."""
    context = request.context
    if context.is_owner:
        return None
    node = containers.get(request.dbsession, context.account, context.container)
    return sharing.shared_paths(request.dbsession, context.user, node.id)


def _state(request):
    context = request.context
    if len(context.container) > containers.MAX_NAME:
        raise faults.BadRequest("Container name too large")
    refuse_cross_user_until(request, context)
    state = containers.state(request.dbsession, context.account, context.container,
                             schema.until_us(request))
    if modified_since(request, state.last_modified_us):
        not_modified({"Last-Modified": render.http_date(state.last_modified_us)})
    return state


def _headers(request, response, state, visible):
    settings = _settings(request)
    response.headers["Last-Modified"] = render.http_date(state.last_modified_us)
    response.headers["X-Container-Block-Size"] = str(settings.block_size)
    response.headers["X-Container-Block-Hash"] = ALGORITHM
    if visible is not None:
        node = containers.get(request.dbsession, request.context.account, request.context.container)
        keys = containers.object_meta_keys(request.dbsession, node.id, None, *visible)
        response.headers["X-Container-Object-Meta"] = ",".join(keys)
        return
    response.headers["X-Container-Object-Meta"] = ",".join(state.object_meta)
    response.headers["X-Container-Object-Count"] = str(state.count)
    response.headers["X-Container-Bytes-Used"] = str(state.bytes)
    response.headers["X-Container-Policy-Quota"] = str(state.policy["quota"])
    response.headers["X-Container-Policy-Versioning"] = state.policy["versioning"]
    if state.until_us is not None:
        response.headers["X-Container-Until-Timestamp"] = render.http_date(state.until_us)
    render.set_meta(response, "X-Container-Meta-", state.meta)


@container.get(permission=P.STORAGE_READ)
def list_objects(request):
    if request.method == "HEAD":
        return container_meta(request)
    context = request.context
    state = _state(request)
    visible = _visible(request)
    owner = visible is None
    public = schema.present(request, "public")
    if public and not owner:
        raise faults.Forbidden("Public object listing is not allowed to non path owners")
    db = request.dbsession
    node = containers.get(db, context.account, context.container)
    until = schema.until_us(request)
    found = listing.list_objects(
        db, node.id, prefix=request.GET.get("prefix") or "", delimiter=request.GET.get("delimiter") or None,
        path=request.GET.get("path") or None, marker=request.GET.get("marker"),
        limit=schema.int_param(request, "limit"), meta=request.GET.get("meta"),
        shared=owner and schema.present(request, "shared"), public=public, until_us=until,
        visible=visible, with_public=owner,
    )
    fmt = schema.reply_format(request, schema.TEXT)
    names = [entry.name for entry in found]
    json_items, xml_parts = [], []
    if fmt != schema.TEXT:
        principals = None if owner else sharing.principals(db, context.user)
        base = request.registry.synnefo.base_url or request.host_url
        for entry in found:
            if isinstance(entry, listing.Subdir):
                json_items.append({"subdir": entry.name})
                xml_parts.append(render.xml_element("subdir", {"name": entry.name}, "").replace(
                    "></subdir>", " />"))
                continue
            item = object_item(entry, until)
            if until is None and entry.sharing:
                item["x_object_sharing"] = entry.sharing.header()
                if not owner:
                    item["x_object_allowed_to"] = sharing.access_of(entry.sharing, principals) or "read"
            if until is None and owner and entry.public_token:
                item["x_object_public"] = public_url(request, base, entry.public_token)
            json_items.append(item)
            xml_parts.append(f"<object>{render.xml_fields(item)}</object>")
    xml_items = render.xml_element("container", {"name": context.container}, "".join(xml_parts))
    response = render.listing(fmt, names, json_items, xml_items)
    _headers(request, response, state, visible)
    return response


def object_item(entry, until):
    version = entry.version
    item = {
        "name": entry.name, "bytes": version.size, "hash": version.hash,
        "content_type": version.content_type,
    }
    if until is None:
        item["last_modified"] = render.iso(version.mtime_us)
    item.update({
        "x_object_hash": version.hash, "x_object_uuid": version.uuid,
        "x_object_version": version.serial,
        "x_object_version_timestamp": render.timestamp(version.mtime_us),
        "x_object_modified_by": version.muser,
    })
    return item


def public_url(request, base, token):
    return base.rstrip("/") + request.registry.synnefo.prefixes["public"] + "/" + token


@container.decorator("HEAD", permission=P.STORAGE_READ)
def container_meta(request):
    state = _state(request)
    response = render.empty(204)
    _headers(request, response, state, _visible(request))
    return response


@container.put(permission=P.STORAGE_OWN)
def create_container(request):
    context = request.context
    policy = schema.policy(request)
    meta = schema.meta(request, "X-Container-Meta-")
    created = containers.put(request.dbsession, context.account, context.container,
                             user=context.user, policy=policy, meta=meta)
    return render.empty(201 if created else 202)


def _is_block_upload(request):
    if request.headers.get("Content-Type") != "application/octet-stream":
        return False
    chunked = "chunked" in (request.headers.get("Transfer-Encoding") or "").lower()
    length = request.headers.get("Content-Length")
    return chunked or (length is not None and length.strip() not in ("", "0"))


@container.post(permission=P.STORAGE_BLOCKS)
def update_container(request):
    context = request.context
    if len(context.container) > containers.MAX_NAME:
        raise faults.BadRequest("Container name too large")
    db = request.dbsession
    containers.require(db, context.account, context.container)
    replace = not schema.present(request, "update")
    meta = schema.meta(request, "X-Container-Meta-")
    has_policy = schema.has_policy(request)
    policy = schema.policy(request)
    changes = replace or meta or has_policy
    if changes and not request.has_permission(P.STORAGE_OWN, context):
        raise faults.Forbidden("Not allowed")
    hashes = None
    if _is_block_upload(request):
        settings = _settings(request)
        stored = uploads.store_stream(request.registry.block_store, body_reader(request),
                                      settings.block_size, length=schema.content_length(request),
                                      max_size=settings.max_upload)
        hashes = stored.hashes
    if changes:
        containers.update(db, context.account, context.container, user=context.user, policy=policy,
                          meta=meta, replace=replace, has_policy=has_policy)
    if hashes is None:
        return render.empty(202)
    return render.hash_list(schema.reply_format(request, schema.JSON), hashes, 202)


@container.delete(permission=P.STORAGE_OWN)
def delete_container(request):
    context = request.context
    delimiter = request.GET.get("delimiter")
    containers.delete(request.dbsession, context.account, context.container, user=context.user,
                      until_us=schema.until_us(request), delimiter=delimiter)
    return render.empty(204)


order_methods(container)
