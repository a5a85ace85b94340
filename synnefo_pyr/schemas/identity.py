"""The authenticate request of the identity guide:

==========================================  ==========================
``auth.token.id``                           a user token
``auth.passwordCredentials.username``       the user's uuid (or email)
``auth.passwordCredentials.password``       the user's token (or password)
``auth.tenantName``                         optional, must be the uuid
==========================================  ==========================

Anything else (no ``auth``, neither form, half a credential) is a 400
"Malformed request" (B4).
"""
from dataclasses import dataclass

from synnefo_pyr import faults
from synnefo_pyr.schemas.validators import bad_text, check_body_size, parse_json_body

MALFORMED = "Malformed request"


@dataclass(frozen=True)
class AuthenticateRequest:
    token: str
    username: str | None = None
    tenant_name: str | None = None

    @classmethod
    def from_body(cls, body):
        auth = body.get("auth") if isinstance(body, dict) else None
        if not isinstance(auth, dict):
            raise faults.BadRequest(MALFORMED, "Missing 'auth' object")
        tenant = auth.get("tenantName") or None
        if tenant is not None and not isinstance(tenant, str):
            raise faults.BadRequest(MALFORMED, "Invalid tenantName")
        if "token" in auth:
            token = auth["token"]
            if not isinstance(token, dict) or not isinstance(token.get("id"), str):
                raise faults.BadRequest(MALFORMED, "Missing token id")
            return cls(token=token["id"], tenant_name=tenant)
        if "passwordCredentials" in auth:
            creds = auth["passwordCredentials"]
            if not isinstance(creds, dict):
                raise faults.BadRequest(MALFORMED, "Invalid passwordCredentials")
            username, password = creds.get("username"), creds.get("password")
            if not isinstance(username, str) or not isinstance(password, str):
                raise faults.BadRequest(MALFORMED, "Both username and password are required")
            return cls(token=password, username=username, tenant_name=tenant)
        raise faults.BadRequest(MALFORMED, "Either token or passwordCredentials is required")


def authenticate_body(request, **kwargs):
    """Cornice validator of ``POST /tokens``: ``request.validated["auth"]``
    is the ``AuthenticateRequest``, or ``None`` for an empty body (public
    mode, B1)."""
    if not request.content_length:
        request.validated["auth"] = None
        return
    request.validated["auth"] = AuthenticateRequest.from_body(parse_json_body(request))


#: Feedback (C7): the longest message and data accepted, in characters.
MAX_FEEDBACK = 10000


def feedback_form(request, **kwargs):
    """``feedback_msg`` and ``feedback_data`` of the form post: bounded in
    size, UTF-8 text that keeps the text rule; otherwise 400 "Invalid
    data" (C7's refusal), 413 for a body beyond the limit."""
    check_body_size(request)
    try:
        form = request.POST
        message, data = form.get("feedback_msg", ""), form.get("feedback_data", "")
    except (UnicodeDecodeError, ValueError):
        raise faults.BadRequest("Invalid data", "The form is not UTF-8 text") from None
    for name, value in (("feedback_msg", message), ("feedback_data", data)):
        if not isinstance(value, str) or bad_text(value):
            raise faults.BadRequest("Invalid data", f"{name} holds control characters")
        if len(value) > MAX_FEEDBACK:
            raise faults.BadRequest("Invalid data", f"{name} is at most {MAX_FEEDBACK} characters")
    request.validated["feedback"] = (message, data)
