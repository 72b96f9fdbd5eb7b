"""Every journey runs on SQLite and PostgreSQL (the `demo` fixture; PostgreSQL skips with its reason when there is
no server, and fails under CI=true), at a desk terminal's 80x24 and a handheld's 40x16."""
import pytest

SIZES = {"80x24": (80, 24), "40x16": (40, 16)}


@pytest.fixture(params=list(SIZES))
def size(request):
    return SIZES[request.param]
