"""Send feedback (identity guide): a form post, stored then delivered."""
from synnefo_pyr.identity import feedback as user_feedback
from synnefo_pyr.permissions import Permission as P
from synnefo_pyr.schemas.identity import feedback_form
from synnefo_pyr.service import SynnefoService

feedback = SynnefoService(name="account.feedback", path="/feedback")


PERMISSION = {"permission": P.ACCOUNT_USE, "validators": (feedback_form,)}


@feedback.post(**PERMISSION)
def send_feedback(request):
    message, data = request.validated["feedback"]
    user_feedback.submit(
        request.dbsession, request.registry.feedback_settings, request.identity.user, message, data,
    )
    return None


def includeme(config):
    config.add_cornice_service(feedback)
