"""WSGI entry point for production servers (``lifelong serve`` runs gunicorn with it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")

application = get_wsgi_application()
