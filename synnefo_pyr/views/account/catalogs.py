"""User catalogs (identity guide): uuids to names and names to uuids, for
users and, with ``null`` for "every user", for service components. Always
JSON ("a json formatted dictionary"): uuids and emails are no XML names."""
from synnefo_pyr.identity import accounts
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.schemas.account import catalogs_body
from synnefo_pyr.schemas.validators import json_object
from synnefo_pyr.service import SynnefoService

user_catalogs = SynnefoService(
    name="account.user_catalogs", path="/user_catalogs", renderer="synnefo_json"
)
service_user_catalogs = SynnefoService(
    name="account.service_user_catalogs", path="/service/user_catalogs", renderer="synnefo_json"
)


def catalogs(request):
    uuids, names = request.validated["catalogs"]
    dbsession = request.dbsession
    return {
        "uuid_catalog": accounts.uuid_catalog(dbsession, uuids),
        "displayname_catalog": accounts.displayname_catalog(dbsession, names),
    }


USER = {"permission": P.ACCOUNT_USE, "validators": (json_object, catalogs_body(allow_all=False))}
# Only services may ask for every user by sending null (identity guide).
SERVICE = {"permission": P.SERVICE_CATALOGS, "validators": (json_object, catalogs_body(allow_all=True))}


@user_catalogs.post(**USER)
def get_user_catalogs(request):
    return catalogs(request)


@service_user_catalogs.post(**SERVICE)
def get_service_user_catalogs(request):
    return catalogs(request)


def includeme(config):
    for service in (user_catalogs, service_user_catalogs):
        config.add_cornice_service(service)
