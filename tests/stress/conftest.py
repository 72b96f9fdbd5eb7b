"""The stress and crash suites: CI runs them small; `-m manual` with JOBFLOOR_STRESS_FULL=1 runs them full size."""
import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "manual: a full-size run, only by hand (JOBFLOOR_STRESS_FULL=1)")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("JOBFLOOR_STRESS_FULL") == "1":
        return
    skip = pytest.mark.skip(reason="full-size run: set JOBFLOOR_STRESS_FULL=1 (or use `make stress`)")
    for item in items:
        if "manual" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def server(request):
    """The database kind, with the suite's rule for PostgreSQL: skip without a server, fail under CI."""
    if request.param == "pg":
        request.getfixturevalue("pg_url")
    return request.param
