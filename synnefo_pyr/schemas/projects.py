"""Requests of the project API (behaviours-projects.md P5, P6, P7, P20,
P22, P25, P26, P28, P29, P31-P33). Every form error is a 400 raised here,
before any lookup, in the contract's order.

Bodies:

* POST (create, modify, actions, join/enroll): an empty body is ``{}``;
  otherwise JSON (A11) and an object (``post_body``).
* GET lists: the filter is the request body if it has one, else the
  ``body`` query parameter, else none; parsed whatever the Content-Type
  (``filter_body``).
"""
import re
from datetime import datetime, timedelta, timezone

from synnefo_pyr import faults
from synnefo_pyr.projects.applications import ApplicationSpec, find_active_user
from synnefo_pyr.projects.models import HOMEPAGE_MAX_LENGTH, NAME_MAX_LENGTH, OVERALL_STATES, POLICIES
from synnefo_pyr.projects.details import ProjectFilters
from synnefo_pyr.quotas.registry import QUANTITY_MAX
from synnefo_pyr.schemas.validators import BadJSON, check_body_size, json_object, loads

MALFORMED = "Malformed request"


def _bad(message, details=""):
    return faults.BadRequest(message, details)


# --- bodies ---------------------------------------------------------------------


def post_body(request, **kwargs):
    """P5: no bytes at all is ``{}`` (no Content-Type needed)."""
    if not request.body:
        request.validated["body"] = {}
        return
    json_object(request)


def filter_body(request, **kwargs):
    """P6: the GET body, else ``?body=``, else nothing; JSON under the same
    rules as every body (size, nesting, text)."""
    check_body_size(request)
    raw = request.body or request.GET.get("body") or ""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad("Request body should be in json format.") from None
    if not raw.strip():
        request.validated["body"] = {}
        return
    try:
        body = loads(raw)
    except BadJSON as exc:
        raise _bad("Request body should be in json format.", exc.details) from None
    if not isinstance(body, dict):
        raise _bad(MALFORMED, "The filter must be a JSON object")
    request.validated["body"] = body


# --- list filters -----------------------------------------------------------------

FILTER_KEYS = ("state", "owner", "name")


def _strings(key, value):
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _bad(MALFORMED, f"Filter '{key}' must be a string or a list of strings")


def project_filters(request, **kwargs):
    """``{"filter": {"state", "owner", "name"}}`` (P20)."""
    raw = request.validated["body"].get("filter")
    if raw is None:
        request.validated["filters"] = ProjectFilters()
        return
    if not isinstance(raw, dict):
        raise _bad(MALFORMED, "'filter' must be an object")
    for key in raw:
        if key not in FILTER_KEYS:
            raise _bad(f"Unrecognized filter {key}")
    values = {key: _strings(key, raw[key]) for key in FILTER_KEYS if key in raw}
    for state in values.get("state", ()):
        if state not in OVERALL_STATES:
            raise _bad(f"Unrecognized state {state}")
    request.validated["filters"] = ProjectFilters(
        # An empty state list is no filter; an empty owner or name list matches nothing.
        states=values.get("state") or None,
        owners=values.get("owner"),
        names=values.get("name"),
    )


def project_filter(request, **kwargs):
    """``{"project": <int>}`` (P26, P29): ``None`` means all."""
    value = request.validated["body"].get("project")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise _bad("'project' must be integer")
    request.validated["project"] = value


# --- dates and names -------------------------------------------------------------

#: ISO 8601 with a time and a zone, lenient about digit counts as the
#: original's parser is (``2013-5-5T20:20:20Z``, ``2013-01-01T0:0Z``).
_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{1,2})"
    r"(?::(\d{1,2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2})?)",
    re.ASCII,
)


def parse_date(value):
    """A UTC datetime, or ``None`` when ``value`` is no zoned ISO date."""
    if not isinstance(value, str):
        return None
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, z, sign, zh, zm = match.groups()
    offset = timedelta(0)
    if not z:
        offset = timedelta(hours=int(zh), minutes=int(zm or 0))
        offset = -offset if sign == "-" else offset
    try:
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone(offset),
        )
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None


#: Two or more dot-separated labels; the last one 2 to 6 letters (P22).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+[a-z]{{2,6}}", re.IGNORECASE | re.ASCII)


def is_domain_name(value):
    return isinstance(value, str) and _DOMAIN.fullmatch(value) is not None


# --- a submission (create, modify) --------------------------------------------------


def _optional_text(body, key, longest=None):
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(f"{key} must be string")
    if value is not None and longest is not None and len(value) > longest:
        raise _bad(f"{key} must be string", f"At most {longest} characters")
    return value


def _policy(body, key, default, message):
    if key not in body:
        return default
    if body[key] not in POLICIES:
        raise _bad(message)
    return body[key]


def application_spec(request, **kwargs):
    """The fields of P22, checked in its order; ``resources`` is left to
    the domain (a modification checks it after the project's 404 and 403)."""
    body = request.validated["body"]
    owner = None
    if body.get("owner") is not None:
        owner = find_active_user(request.dbsession, body["owner"])
        if owner is None:
            raise _bad("User does not exist.")
    name = body.get("name")
    if name is None:
        raise _bad("Name missing.")
    if not is_domain_name(name):
        raise _bad("Project name should be in domain format")
    if len(name) > NAME_MAX_LENGTH:
        raise _bad("Project name is too long", f"At most {NAME_MAX_LENGTH} characters")
    join_policy = _policy(body, "join_policy", "moderated", "Invalid join policy")
    leave_policy = _policy(body, "leave_policy", "auto", "Invalid leave policy")
    start_date = None
    if body.get("start_date") is not None:
        start_date = parse_date(body["start_date"])
        if start_date is None:
            raise _bad("Invalid start_date", "An ISO 8601 date with a time zone")
    if body.get("end_date") is None:
        raise _bad("Missing end date")
    end_date = parse_date(body["end_date"])
    if end_date is None:
        raise _bad("Invalid end_date", "An ISO 8601 date with a time zone")
    max_members = body.get("max_members")
    if not isinstance(max_members, int) or isinstance(max_members, bool) \
            or not 0 <= max_members <= QUANTITY_MAX:
        raise _bad("Invalid max_members", "A required integer, 0 or more")
    request.validated["application"] = ApplicationSpec(
        owner=owner, name=name, join_policy=join_policy, leave_policy=leave_policy,
        start_date=start_date, end_date=end_date, max_members=max_members,
        homepage=_optional_text(body, "homepage", HOMEPAGE_MAX_LENGTH),
        description=_optional_text(body, "description"),
        comments=_optional_text(body, "comments"),
        resources=body.get("resources", {}),
    )


# --- actions --------------------------------------------------------------------------


def one_action(body, actions):
    """``(action, value)`` of a body naming exactly one of ``actions``
    (other keys are ignored, G17)."""
    present = [action for action in actions if action in body]
    if len(present) > 1:
        raise _bad("Multiple actions not supported")
    if not present:
        raise _bad("No recognized action")
    return present[0], body[present[0]]


def action_of(actions):
    """A validator filling ``request.validated["action"]`` = (action, reason)."""

    def validator(request, **kwargs):
        request.validated["action"] = one_action(request.validated["body"], actions)

    return validator


_SIGNED = re.compile(r"[+-]?[0-9]{1,4000}", re.ASCII)


def _project_ref(value):
    """A project id: a JSON integer or a string holding a decimal one (D5:
    kamaki sends what was typed)."""
    if value is None:
        raise _bad("Missing project")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _SIGNED.fullmatch(value):
        return int(value)
    raise _bad("Invalid project id")


def membership_request(request, **kwargs):
    """``{"join": {"project"}}`` or ``{"enroll": {"project", "user"}}``
    (P32, P33): ``request.validated["membership"]`` = (action, project id,
    e-mail or ``None``)."""
    action, value = one_action(request.validated["body"], ("join", "enroll"))
    if not isinstance(value, dict):
        raise _bad(MALFORMED, f"'{action}' must be an object")
    project = _project_ref(value.get("project"))
    email = None
    if action == "enroll":
        email = value.get("user")
        if not isinstance(email, str):
            raise _bad("Missing user")
    request.validated["membership"] = (action, project, email)
