"""Consultation appointments (Beratung nach Termin)."""
