import pytest
from django.db import transaction

from govsites.demo import estate


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo estate, generated once per module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = estate.generate("small")
        yield summary
        transaction.set_rollback(True)
