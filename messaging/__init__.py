"""What reaches the citizen later: e-mails, reminder letters and their print batch, the call
list, cancelling by the office and deleting personal data on time. Booking talks to it through
messaging/notify.py only."""
