"""WSGI entry point for gunicorn: gunicorn sozialamt.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sozialamt.settings")
application = get_wsgi_application()
