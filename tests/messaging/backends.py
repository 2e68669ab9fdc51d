"""E-mail backends for tests: SMTP is outside the product, so these stand in for it."""

import smtplib
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Refuses every recipient whose address contains "fail" like an SMTP server would."""

    def send_messages(self, messages):
        for message in messages:
            if any("fail" in to for to in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (450, b"mailbox busy")})
        return super().send_messages(messages)


class SlowFileBackend(FileBackend):
    """Writes each e-mail to its own file after a pause, so a test can kill a worker mid-batch."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)
