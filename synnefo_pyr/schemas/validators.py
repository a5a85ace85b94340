"""Validators shared by every API: request bodies are JSON objects (A11)."""
import json

from synnefo_pyr import faults


def parse_json_body(request):
    """The decoded JSON body, after the three distinct checks of A11."""
    content_type = request.headers.get("Content-Type")
    if not content_type:
        raise faults.BadRequest("Missing Content-Type header field")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        raise faults.BadRequest(f"Unsupported Content-type: '{media_type}'")
    try:
        return json.loads(request.body.decode(request.charset or "utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise faults.BadRequest("Invalid JSON data")


def json_object(request, **kwargs):
    """Cornice validator: the body must be a JSON object; it lands in
    ``request.validated["body"]``."""
    body = parse_json_body(request)
    if not isinstance(body, dict):
        raise faults.BadRequest("Malformed request")
    request.validated["body"] = body
