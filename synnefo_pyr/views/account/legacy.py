"""The pre-0.14 URIs the identity guide still lists, served at the root:
``/user_catalogs``, ``/service/api/user_catalogs`` and ``/feedback``, the
same views as under ``/account/v1.0``."""
from synnefo_pyr.service import SynnefoService
from synnefo_pyr.views.account import catalogs, feedback

user_catalogs = SynnefoService(
    name="account.legacy_user_catalogs", path="/user_catalogs", renderer="synnefo_json"
)
service_user_catalogs = SynnefoService(
    name="account.legacy_service_user_catalogs", path="/service/api/user_catalogs",
    renderer="synnefo_json",
)
legacy_feedback = SynnefoService(name="account.legacy_feedback", path="/feedback")

user_catalogs.post(**catalogs.USER)(catalogs.get_user_catalogs)
service_user_catalogs.post(**catalogs.SERVICE)(catalogs.get_service_user_catalogs)
legacy_feedback.post(**feedback.PERMISSION)(feedback.send_feedback)


def includeme(config):
    for service in (user_catalogs, service_user_catalogs, legacy_feedback):
        config.add_cornice_service(service)
