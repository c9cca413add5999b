import pytest
from django.contrib.auth import get_user_model

from govsites.workdays import calendar
from tests.conftest import install_library_years


@pytest.fixture(autouse=True)
def library_calendar(db):
    """The library's years, and an empty cache: the cache outlives each test's rolled-back rows."""
    install_library_years()
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("sysadmin", password="x")
