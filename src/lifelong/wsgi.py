"""WSGI entry point for production servers (``lifelong serve`` runs gunicorn with it)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")

application = get_wsgi_application()

# Import every view now, then move the objects that live as long as the process out of the
# garbage collector's sight: full collections of them otherwise add 100-200 ms to some
# requests (bench/README.md, Dashboard).
get_resolver().url_patterns  # noqa: B018
gc.freeze()
