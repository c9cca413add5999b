"""WSGI entry of the public service: ``gunicorn govsites.public.wsgi:application``.

Unlike ``govsites.wsgi`` it runs no account checks at start: the public service's database role
cannot read the accounts tables, and it serves no account.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govsites.settings.public")
application = get_wsgi_application()
