import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govsites.settings.embedded")
application = get_wsgi_application()

# SEC-02: with GOVSITES_ENFORCE_ACCOUNT_CHECKS (production) refuse to serve while any account has
# a weak/default password or an admin account lacks a second factor (govsites.accounts.checks).
from govsites.accounts.checks import enforce  # noqa: E402

enforce()
