import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sozialamt import demo


class Command(BaseCommand):
    help = "Loads the demo office (Münster) and demo accounts; safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off (the demo accounts have published passwords).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "The demo accounts have published passwords; use --allow-production to load them."
            )
        notes: list[str] = []
        # With DEBUG off the site may be reachable by others: no published password or kiosk token.
        public = settings.DEBUG
        with transaction.atomic():
            location = demo.seed_office()
            accounts = demo.seed_users(public_passwords=public, location=location)
            booking_demo = importlib.import_module("booking.demo")
            booking_demo.seed(location)
            # The counsellor's sign-in ("Mein Tag"); the info desk's is among the accounts above.
            accounts.append(booking_demo.seed_counsellor_login(location, public_passwords=public))
            # With DEBUG off every account sets up its own app at the first sign-in.
            factors = demo.seed_second_factors([a[0] for a in accounts]) if public else {}
            notes += importlib.import_module("kundenzentrum.demo").seed(location, public_secrets=public)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {location.name}, {location.street}."))
        if not public:
            self.stdout.write("DEBUG is off: new random passwords and kiosk token (shown only now).")
        self.stdout.write(f"Demo logins ({settings.SITE_URL}/intern/anmelden/):")
        for username, password, role in accounts:
            self.stdout.write(f"  {role:<16} user: {username:<16} password: {password}")
            if username in factors:
                key, codes = factors[username]
                self.stdout.write(f"  {'':<16} authenticator key: {key}  backup codes: {' '.join(codes)}")
        if factors:
            self.stdout.write(
                "  Second factor: add the key to an authenticator app (TOTP, 30 s, 6 digits),"
                " or use a backup code once."
            )
        for note in notes:
            self.stdout.write(f"  {note}")
