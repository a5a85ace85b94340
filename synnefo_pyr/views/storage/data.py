"""Object data replies shared by the object and public views: headers,
preconditions, manifests, Range (single and multipart/byteranges)."""
import hashlib
import uuid

from pyramid.response import Response
from webob.datetime_utils import parse_date

from synnefo_pyr import faults
from synnefo_pyr.schemas import storage as schema
from synnefo_pyr.storage import conditions, containers, objects
from synnefo_pyr.storage.reading import BlockReader, Segment
from synnefo_pyr.views.storage import render


class Data:
    """What an object's data reply is made of: its version, the segments
    its bytes come from (several for a manifest) and its ETag."""

    def __init__(self, request, state):
        self.request = request
        self.state = state
        db = request.dbsession
        settings = request.registry.storage_settings
        manifest = state.meta.get("X-Object-Manifest")
        self.etag = state.version.hash
        parts = None
        if manifest is not None:
            parts = manifest_parts(request, state.path.account, manifest)
        if parts is None:
            segments = [Segment(tuple(objects.hashmap(db, state.version)), state.version.size)]
        else:
            segments = [Segment(tuple(objects.hashmap(db, v)), v.size) for v in parts]
            self.etag = hashlib.md5("".join(v.hash or "" for v in parts).encode()).hexdigest()
        self.reader = BlockReader(request.registry.block_store, settings.block_size, segments)
        self.size = self.reader.size

    @property
    def last_modified_us(self):
        current = self.state.current or self.state.version
        return current.mtime_us


def manifest_parts(request, account, manifest, strict=False):
    """The current versions a manifest ``<container>/<prefix>`` names, in
    name order; ``None`` when it cannot be listed (HEAD falls back to the
    object's own size)."""
    container, sep, prefix = manifest.partition("/")
    if not container or not sep or not prefix:
        if strict:
            raise faults.BadRequest("Invalid X-Object-Manifest header")
        return None
    node = containers.get(request.dbsession, account, container)
    if node is None:
        if strict:
            raise faults.ItemNotFound("Container does not exist")
        return None
    return [v for _, v in containers.current_objects(request.dbsession, node.id, prefix)][:10000]


def check_read_conditions(request, etag, last_modified_us):
    """M0.20 for reads: 304 (with the ETag) or 412."""
    seconds = last_modified_us // 1_000_000
    since = request.if_modified_since
    if since is not None and seconds <= int(since.timestamp()):
        _not_modified(etag)
    unmodified = request.if_unmodified_since
    if unmodified is not None and seconds > int(unmodified.timestamp()):
        raise faults.PreconditionFailed("Resource has been modified")
    if_match = conditions.parse_etags(request.headers.get("If-Match"))
    if if_match is not None and not conditions.matches(if_match, etag):
        raise faults.PreconditionFailed("Resource ETag does not match")
    if_none = conditions.parse_etags(request.headers.get("If-None-Match"))
    if if_none is not None and conditions.matches(if_none, etag):
        _not_modified(etag)


def _not_modified(etag):
    raise faults.NotModified(headers={"ETag": etag or ""})


def _if_range_holds(request, data):
    value = (request.headers.get("If-Range") or "").strip()
    if not value:
        return True
    if value.strip('"').lower() == (data.etag or "").lower():
        return True
    date = parse_date(value)
    return date is not None and int(date.timestamp()) == data.last_modified_us // 1_000_000


def data_response(request, data, headers):
    """200 with the bytes, 206 with a range or multipart/byteranges."""
    ranges = schema.ranges(request, data.size) if request.headers.get("Range") else None
    if ranges is not None and not _if_range_holds(request, data):
        ranges = None
    if ranges is None:
        response = Response(app_iter=iter(data.reader) if request.method != "HEAD" else [])
        response.headers.update(headers)
        response.headers["Content-Length"] = str(data.size)
        return response
    if len(ranges) == 1:
        (start, stop), = ranges
        response = Response(status=206, app_iter=data.reader.app_iter_range(start, stop))
        response.headers.update(headers)
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{data.size}"
        response.headers["Content-Length"] = str(stop - start)
        return response
    boundary = uuid.uuid4().hex
    response = Response(status=206, app_iter=_multipart(data, ranges, boundary))
    response.headers.update(headers)
    response.headers["Content-Type"] = f"multipart/byteranges; boundary={boundary}"
    return response


def _multipart(data, ranges, boundary):
    for index, (start, stop) in enumerate(ranges):
        yield ((b"\r\n" if index else b"") + (
            f"--{boundary}\r\nContent-Range: bytes {start}-{stop - 1}/{data.size}\r\n"
            f"Content-Transfer-Encoding: binary\r\n\r\n").encode())
        yield from data.reader.app_iter_range(start, stop)
    yield f"\r\n--{boundary}--\r\n".encode()


def basic_headers(version, etag, last_modified_us, meta):
    headers = {"ETag": etag or "", "Last-Modified": render.http_date(last_modified_us)}
    if version.content_type:
        headers["Content-Type"] = version.content_type
    for key in ("Content-Encoding", "Content-Disposition"):
        if key in meta:
            headers[key] = meta[key]
    return headers
