"""Messages around an appointment: e-mails, reminder letters, print batches, the call list,
cancelling by the office and deleting personal data on time (issue 5)."""
