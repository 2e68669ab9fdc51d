"""The e-mail of a message: text and HTML from templates/emails/, the .ics attached."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from booking.ics import appointment_ics

from .content import citizen_language, message_context
from .models import Message


def build_email(message: Message) -> EmailMultiAlternatives:
    """The ready e-mail in the citizen's language (German where no translation exists)."""
    appointment = message.appointment
    # A pending hold's confirmation asks the citizen to confirm; no calendar file before that.
    pending = message.kind == Message.Kind.CONFIRMATION and appointment.status == appointment.Status.PENDING
    name = "hold" if pending else message.kind
    with citizen_language(message):
        context = message_context(message)
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
        ics = appointment_ics(
            message.appointment, cancelled=message.kind in (Message.Kind.CANCELLED, Message.Kind.RECEIPT)
        )
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.appointment.email],
        headers={"X-Sozialamt-Message": str(message.pk)},
    )
    email.attach_alternative(html, "text/html")
    if not pending:
        email.attach(f"termin-{message.appointment.code}.ics", ics, "text/calendar")
    return email
