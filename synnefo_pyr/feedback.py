"""Where user feedback goes once stored: a sink chosen in the ini
(``synnefo_pyr.feedback.sink = log | smtp``). A sink that fails raises
``FeedbackSinkError``; the API answers 502 (identity guide, Send feedback)."""
import logging
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)


class FeedbackSinkError(Exception):
    pass


def log_sink(settings, user, message, data):
    log.info("Feedback from %s (%s): %s | %s", user.email, user.uuid, message, data)


def smtp_sink(settings, user, message, data):
    mail = EmailMessage()
    mail["Subject"] = f"Feedback from {user.email}"
    mail["From"] = settings.feedback_from
    mail["To"] = settings.feedback_to
    mail.set_content(f"User: {user.email} ({user.uuid})\n\n{message}\n\n{data}\n")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise FeedbackSinkError(str(exc)) from exc


SINKS = {"log": log_sink, "smtp": smtp_sink}


def deliver(settings, user, message, data):
    sink = SINKS.get(settings.feedback_sink)
    if sink is None:
        raise FeedbackSinkError(f"Unknown feedback sink {settings.feedback_sink!r}")
    sink(settings, user, message, data)
