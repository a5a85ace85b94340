"""User feedback: stored, then handed to the sink the ini chooses
(``synnefo_pyr.feedback.sink = log | smtp``). A sink that fails raises
``UpstreamFailure`` (the API answers 502, identity guide, Send feedback),
and since the error aborts the transaction nothing stays stored."""
import logging
import smtplib
from email.message import EmailMessage

from synnefo_pyr import errors
from synnefo_pyr.identity.models import Feedback

log = logging.getLogger(__name__)


def log_sink(settings, user, message, data):
    log.info("Feedback from %s (%s): %s | %s", user.email, user.uuid, message, data)


def smtp_sink(settings, user, message, data):
    mail = EmailMessage()
    mail["Subject"] = f"Feedback from {user.email}"
    mail["From"] = settings.sender
    mail["To"] = settings.recipient
    mail.set_content(f"User: {user.email} ({user.uuid})\n\n{message}\n\n{data}\n")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise errors.UpstreamFailure("Failed to send feedback", str(exc)) from exc


SINKS = {"log": log_sink, "smtp": smtp_sink}


def submit(dbsession, settings, user, message, data=""):
    """Store ``user``'s feedback and deliver it (``settings``: the
    ``FeedbackSettings``)."""
    message = (message or "").strip()
    if not message:
        raise errors.Invalid("Invalid data", "feedback_msg is required")
    dbsession.add(Feedback(user_id=user.id, message=message, data=data or ""))
    dbsession.flush()
    SINKS[settings.sink](settings, user, message, data)
