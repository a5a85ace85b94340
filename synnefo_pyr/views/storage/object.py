"""Objects (``/<account>/<container>/<object>``, M15-M32): read (data,
ranges, hashmaps, versions), write (data, hashmap, copy, move), update
(metadata, data, form) and delete."""
import json
import xml.etree.ElementTree as ElementTree

from synnefo_pyr import faults
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.resources.storage import context_for, object_factory
from synnefo_pyr.schemas import storage as schema
from synnefo_pyr.storage import containers, objects, sharing, uploads
from synnefo_pyr.storage.hashing import ALGORITHM
from synnefo_pyr.views.storage import render
from synnefo_pyr.views.storage.common import order_methods, service
from synnefo_pyr.views.storage.container import public_url
from synnefo_pyr.views.storage.data import Data, basic_headers, check_read_conditions, data_response, manifest_parts
from synnefo_pyr.views.storage.streams import body_reader

obj = service("object", "/{account}/{container}/{object:.+}", object_factory,
              ("HEAD", "GET", "PUT", "COPY", "MOVE", "POST", "DELETE"))
MAX_HASHMAP_BODY = 16 * 1024 * 1024


def _settings(request):
    return request.registry.storage_settings


def _check_names(context):
    if len(context.container) > containers.MAX_NAME:
        raise faults.BadRequest("Container name too large")
    if len(context.name) > objects.MAX_NAME or len(context.name.encode("utf-8")) > objects.MAX_NAME_BYTES:
        raise faults.BadRequest("Object name too large.")


def _state(request):
    context = request.context
    _check_names(context)
    serial = schema.version_param(request)
    return objects.state(request.dbsession, context.path, serial)


def _headers(request, state, data, with_sharing):
    context = request.context
    version = state.version
    headers = basic_headers(version, data.etag, data.last_modified_us, state.meta)
    headers.update({
        "X-Object-Hash": version.hash or "",
        "X-Object-UUID": version.uuid,
        "X-Object-Version": str(version.serial),
        "X-Object-Version-Timestamp": render.http_date(version.mtime_us),
        "X-Object-Modified-By": version.muser,
    })
    for key, value in state.meta.items():
        if key == "X-Object-Manifest":
            headers[key] = value
        elif key not in ("Content-Encoding", "Content-Disposition"):
            headers["X-Object-Meta-" + key] = value
    if with_sharing:
        db = request.dbsession
        effective = objects.sharing_of(db, state.path, state.container_id)
        if effective.sharing:
            headers["X-Object-Sharing"] = effective.sharing.header()
            if effective.carrier != state.path.name:
                headers["X-Object-Shared-By"] = f"{state.path.account}/{state.path.container}/{effective.carrier}"
        if not context.is_owner:
            access = sharing.access_of(effective.sharing, sharing.principals(db, context.user))
            headers["X-Object-Allowed-To"] = access or "read"
        else:
            token = objects.public_token(db, state.node_id)
            if token:
                base = request.registry.synnefo.base_url or request.host_url
                headers["X-Object-Public"] = public_url(request, base, token)
    return headers


@obj.get(permission=P.STORAGE_READ)
def read_object(request):
    if request.method == "HEAD":
        return object_meta(request)
    if request.GET.get("version") == "list":
        return _versions(request)
    state = _state(request)
    if "X-Object-Manifest" in state.meta:
        manifest_parts(request, state.path.account, state.meta["X-Object-Manifest"], strict=True)
    data = Data(request, state)
    check_read_conditions(request, data.etag, data.last_modified_us)
    headers = _headers(request, state, data, request.GET.get("version") is None)
    if schema.present(request, "hashmap"):
        return _hashmap(request, state, headers)
    return data_response(request, data, headers)


@obj.decorator("HEAD", permission=P.STORAGE_READ)
def object_meta(request):
    state = _state(request)
    data = Data(request, state)
    check_read_conditions(request, data.etag, data.last_modified_us)
    response = render.empty(200)
    response.headers.update(_headers(request, state, data, request.GET.get("version") is None))
    response.headers["Content-Length"] = str(data.size)
    return response


def _hashmap(request, state, headers):
    settings = _settings(request)
    hashes = objects.hashmap(request.dbsession, state.version)
    if schema.reply_format(request, schema.JSON) == schema.XML:
        inner = "".join(f"<hash>{h}</hash>" for h in hashes)
        body = render.XML_HEAD + render.xml_element("object", {
            "name": state.path.name, "bytes": state.version.size, "block_size": settings.block_size,
            "block_hash": ALGORITHM}, inner)
        response = render.body_response(body, render.XML_TYPE)
    else:
        response = render.body_response(json.dumps({
            "block_size": settings.block_size, "block_hash": ALGORITHM,
            "bytes": state.version.size, "hashes": hashes}), render.JSON_TYPE)
    for key, value in headers.items():
        if key not in ("Content-Type", "Content-Length"):
            response.headers[key] = value
    return response


def _versions(request):
    context = request.context
    _check_names(context)
    found = objects.versions(request.dbsession, context.path)
    if schema.reply_format(request, schema.JSON) == schema.XML:
        inner = "".join(f'<version timestamp="{render.timestamp(v.mtime_us)}">{v.serial}</version>'
                        for v in found)
        return render.body_response(
            render.XML_HEAD + render.xml_element("object", {"name": context.name}, inner), render.XML_TYPE)
    return render.body_response(json.dumps(
        {"versions": [[v.serial, render.timestamp(v.mtime_us)] for v in found]}), render.JSON_TYPE)


# --- PUT ----------------------------------------------------------------------


def _sharing_for(request, context):
    value = schema.object_sharing(request)
    if value is not None and not context.is_owner:
        raise faults.Forbidden("Not allowed")
    return value


def _created(version):
    response = render.empty(201)
    response.headers["ETag"] = version.hash or ""
    response.headers["X-Object-Version"] = str(version.serial)
    return response


@obj.put(permission=P.STORAGE_WRITE)
def write_object(request):
    context = request.context
    _check_names(context)
    move_from = schema.header(request, "X-Move-From")
    copy_from = schema.header(request, "X-Copy-From")
    if move_from is not None or copy_from is not None:
        return _put_copy(request, move_from, copy_from)
    if schema.present(request, "hashmap"):
        return _put_hashmap(request)
    length = schema.content_length(request)
    content_type = schema.content_type(request)
    meta = schema.object_meta(request)
    sharing_value = _sharing_for(request, context)
    public = schema.object_public(request)
    conditions = schema.write_conditions(request)
    db = request.dbsession
    settings = _settings(request)
    containers.require(db, context.account, context.container)
    etag = (schema.header(request, "ETag") or "").strip().strip('"').lower()
    stored = uploads.store_stream(request.registry.block_store, body_reader(request), settings.block_size,
                                  length=length, max_size=settings.max_upload, md5=bool(etag))
    if etag and etag != stored.md5:
        raise faults.UnprocessableEntity("Object ETag does not match")
    version = objects.write(db, context.path, user=context.user, hashes=stored.hashes, size=stored.size,
                            content_type=content_type, meta=meta, sharing_value=sharing_value,
                            public=public, checksum=stored.md5, conditions=conditions)
    return _created(version)


def _parse_hashmap(request):
    body = request.body_file.read(MAX_HASHMAP_BODY + 1)
    if len(body) > MAX_HASHMAP_BODY:
        raise faults.BadRequest("Invalid data formatting")
    if schema.reply_format(request, schema.JSON) == schema.XML:
        try:
            root = ElementTree.fromstring(body)
            size = int(root.attrib["bytes"])
            hashes = [(h.text or "").strip() for h in root.iter("hash")]
        except (ElementTree.ParseError, KeyError, ValueError):
            raise faults.BadRequest("Invalid data formatting") from None
    else:
        try:
            parsed = json.loads(body)
        except ValueError:
            raise faults.BadRequest("Invalid data formatting") from None
        if not isinstance(parsed, dict):
            raise faults.BadRequest("Invalid data formatting")
        size, hashes = parsed.get("bytes"), parsed.get("hashes")
        if isinstance(size, bool) or not isinstance(size, int) or not isinstance(hashes, list) \
                or not all(isinstance(h, str) for h in hashes):
            raise faults.BadRequest("Invalid data formatting")
    if size < 0:
        raise faults.BadRequest("Invalid data formatting")
    return size, hashes


def _put_hashmap(request):
    context = request.context
    content_type = schema.content_type(request)
    meta = schema.object_meta(request)
    sharing_value = _sharing_for(request, context)
    public = schema.object_public(request)
    conditions = schema.write_conditions(request)
    size, hashes = _parse_hashmap(request)
    hashes = objects.check_hashmap(hashes, size, _settings(request).block_size)
    db = request.dbsession
    containers.require(db, context.account, context.container)
    missing = objects.missing_blocks(request.registry.block_store, hashes)
    if missing:
        return render.hash_list(schema.reply_format(request, schema.JSON), missing, 409)
    version = objects.write(db, context.path, user=context.user, hashes=hashes, size=size,
                            content_type=content_type, meta=meta, sharing_value=sharing_value,
                            public=public, conditions=conditions)
    return _created(version)


def _put_copy(request, move_from, copy_from):
    context = request.context
    schema.content_length(request)
    move = move_from is not None
    source_account = schema.header(request, "X-Source-Account") or context.user
    source = schema.source_path(move_from if move else copy_from,
                                "X-Move-From" if move else "X-Copy-From", source_account)
    return _copy(request, source, context.path, move=move, conditions_on_source=False)


def _copy(request, source, destination, *, move, conditions_on_source):
    context = request.context
    source_ctx = context_for(request, source.account, source.container, source.name)
    needed = P.STORAGE_OWN if move else P.STORAGE_READ
    if not request.has_permission(needed, source_ctx):
        raise faults.Forbidden("Not allowed")
    dest_ctx = context_for(request, destination.account, destination.container, destination.name)
    if not request.has_permission(P.STORAGE_WRITE, dest_ctx):
        raise faults.Forbidden("Not allowed")
    sharing_value = schema.object_sharing(request)
    if sharing_value is not None and not dest_ctx.is_owner:
        raise faults.Forbidden("Not allowed")
    content_type = None
    if not schema.present(request, "ignore_content_type"):
        content_type = request.headers.get("Content-Type") or None
    serial = None if move else schema.source_version(request)
    db = request.dbsession

    def may_read(path):
        return sharing.object_access(
            db, path.account, containers.get(db, path.account, path.container).id, path.name,
            context.user) is not None

    version = objects.copy(
        db, source, destination, user=context.user, move=move, serial=serial,
        content_type=content_type, meta=schema.object_meta(request), sharing_value=sharing_value,
        public=schema.object_public(request), conditions=schema.write_conditions(request),
        conditions_on_source=conditions_on_source, delimiter=request.GET.get("delimiter") or None,
        may_read=may_read)
    response = render.empty(201)
    response.headers["X-Object-Version"] = str(version.serial)
    return response


def _destination(request):
    value = request.headers.get("Destination")
    if value is None:
        raise faults.BadRequest("Missing Destination header")
    account = schema.header(request, "Destination-Account") or request.context.user
    return schema.source_path(schema.header(request, "Destination"), "Destination", account)


@obj.decorator("COPY", permission=P.STORAGE_READ)
def copy_object(request):
    context = request.context
    _check_names(context)
    return _copy(request, context.path, _destination(request), move=False, conditions_on_source=True)


@obj.decorator("MOVE", permission=P.STORAGE_OWN)
def move_object(request):
    context = request.context
    _check_names(context)
    return _copy(request, context.path, _destination(request), move=True, conditions_on_source=True)


# --- POST ---------------------------------------------------------------------


@obj.post(permission=P.STORAGE_WRITE)
def update_object(request):
    context = request.context
    _check_names(context)
    ctype = request.headers.get("Content-Type") or ""
    if ctype.split(";")[0].strip().lower() == "multipart/form-data":
        return _form_upload(request)
    source_header = schema.header(request, "X-Source-Object")
    replace = not schema.present(request, "update")
    meta = schema.object_meta(request)
    sharing_value = _sharing_for(request, context)
    public = schema.object_public(request)
    conditions = schema.write_conditions(request)
    db = request.dbsession
    if ctype != "application/octet-stream" and source_header is None:
        version = objects.update_meta(db, context.path, user=context.user, meta=meta, replace=replace,
                                      sharing_value=sharing_value, public=public, conditions=conditions)
        response = render.empty(202)
        if version is not None:
            response.headers["X-Object-Version"] = str(version.serial)
        return response
    # A data update: the object first, then the range.
    objects.state(db, context.path)
    content_range = schema.content_range(request)
    object_bytes = schema.header(request, "X-Object-Bytes")
    if object_bytes is not None:
        object_bytes = object_bytes.strip()
        if not object_bytes.isdigit():
            raise faults.BadRequest("Invalid X-Object-Bytes header")
        object_bytes = int(object_bytes)
    kwargs = {}
    if source_header is not None:
        source_account = schema.header(request, "X-Source-Account") or context.user
        if not source_header.startswith("/") or "/" not in source_header[1:] \
                or not source_header[1:].partition("/")[2]:
            raise faults.BadRequest("Invalid source object")
        source = schema.source_path(source_header, "source object", source_account)
        source_ctx = context_for(request, source.account, source.container, source.name)
        if not request.has_permission(P.STORAGE_READ, source_ctx):
            raise faults.Forbidden("Not allowed")
        kwargs.update(source=source, source_serial=schema.source_version(request))
    else:
        length = schema.content_length(request)
        if content_range.last is not None and length is not None and \
                length != content_range.last - content_range.first + 1:
            raise faults.BadRequest("Content length does not match range length")
        read = body_reader(request)

        def chunks(remaining=length, size=_settings(request).block_size):
            while remaining is None or remaining > 0:
                piece = read(size if remaining is None else min(size, remaining))
                if not piece:
                    break
                if remaining is not None:
                    remaining -= len(piece)
                yield piece

        kwargs.update(chunks=chunks(), length=length)
    settings = _settings(request)
    version = objects.update_data(
        db, request.registry.block_store, settings.block_size, context.path, user=context.user,
        content_range=content_range, object_bytes=object_bytes, meta=meta, replace=replace,
        sharing_value=sharing_value, public=public, conditions=conditions, **kwargs)
    response = render.empty(204)
    response.headers["ETag"] = version.hash or ""
    response.headers["X-Object-Version"] = str(version.serial)
    return response


def _form_upload(request):
    context = request.context
    field = request.POST.get("X-Object-Data")
    if field is None or not hasattr(field, "file"):
        raise faults.BadRequest("Missing X-Object-Data field")
    db = request.dbsession
    settings = _settings(request)
    containers.require(db, context.account, context.container)
    stored = uploads.store_stream(request.registry.block_store, field.file.read, settings.block_size,
                                  max_size=settings.max_upload)
    version = objects.write(db, context.path, user=context.user, hashes=stored.hashes, size=stored.size,
                            content_type=field.type or "application/octet-stream", meta={})
    response = render.body_response(version.hash or "", render.TEXT_TYPE, 201)
    response.headers["ETag"] = version.hash or ""
    response.headers["X-Object-Version"] = str(version.serial)
    return response


# --- DELETE -------------------------------------------------------------------


@obj.delete(permission=P.STORAGE_OWN)
def delete_object(request):
    context = request.context
    _check_names(context)
    objects.delete(request.dbsession, context.path, user=context.user, until_us=schema.until_us(request),
                   delimiter=request.GET.get("delimiter") or None)
    return render.empty(204)


order_methods(obj)
