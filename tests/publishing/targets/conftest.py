import pytest

from .support import Store


@pytest.fixture
def store(tmp_path):
    """A build store of this test's own: ``store(b"bytes")`` returns the object's path."""
    return Store(tmp_path / "build-store")
