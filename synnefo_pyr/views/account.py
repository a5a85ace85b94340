"""Account API (``/account/v1.0``): user catalogs and feedback, for users
and (user catalogs) for service components."""
from .. import accounts, faults
from ..feedback import FeedbackSinkError, deliver
from ..models.identity import Feedback
from ..permissions import Permission as P
from ..renderers import json_response
from ..schemas.account import catalogs_request
from ..schemas.validators import json_object
from ..service import SynnefoService

user_catalogs = SynnefoService(name="account.user_catalogs", path="/user_catalogs")
service_user_catalogs = SynnefoService(
    name="account.service_user_catalogs", path="/service/user_catalogs"
)
feedback = SynnefoService(name="account.feedback", path="/feedback")

# The old URIs the guide still lists, served at the root.
legacy_user_catalogs = SynnefoService(name="account.legacy_user_catalogs", path="/user_catalogs")
legacy_service_user_catalogs = SynnefoService(
    name="account.legacy_service_user_catalogs", path="/service/api/user_catalogs"
)
legacy_feedback = SynnefoService(name="account.legacy_feedback", path="/feedback")


def _catalogs(request, allow_all):
    """The two catalogs, always JSON ("a json formatted dictionary")."""
    uuids, names = catalogs_request(request.validated["body"], allow_all=allow_all)
    dbsession = request.dbsession
    return json_response({
        "uuid_catalog": accounts.uuid_catalog(dbsession, uuids),
        "displayname_catalog": accounts.displayname_catalog(dbsession, names),
    })


@user_catalogs.post(permission=P.ACCOUNT_USE, validators=(json_object,))
@legacy_user_catalogs.post(permission=P.ACCOUNT_USE, validators=(json_object,))
def get_user_catalogs(request):
    return _catalogs(request, allow_all=False)


@service_user_catalogs.post(permission=P.SERVICE_CATALOGS, validators=(json_object,))
@legacy_service_user_catalogs.post(permission=P.SERVICE_CATALOGS, validators=(json_object,))
def get_service_user_catalogs(request):
    # Only services may ask for every user by sending null (identity guide).
    return _catalogs(request, allow_all=True)


@feedback.post(permission=P.ACCOUNT_USE)
@legacy_feedback.post(permission=P.ACCOUNT_USE)
def send_feedback(request):
    message = request.POST.get("feedback_msg", "").strip()
    if not message:
        raise faults.BadRequest("Invalid data", "feedback_msg is required")
    data = request.POST.get("feedback_data", "")
    user = request.identity.user
    request.dbsession.add(Feedback(user_id=user.id, message=message, data=data))
    try:
        deliver(request.registry.synnefo, user, message, data)
    except FeedbackSinkError as exc:
        # Raised, so the stored feedback is rolled back with the request.
        raise faults.BadGateway("Failed to send feedback", str(exc))
    request.dbsession.flush()
    return None


def includeme(config):
    for service in (user_catalogs, service_user_catalogs, feedback):
        config.add_cornice_service(service)


def include_legacy(config):
    for service in (legacy_user_catalogs, legacy_service_user_catalogs, legacy_feedback):
        config.add_cornice_service(service)
