"""Fixtures of the agent tests: the namespace lab of lab.py, built once per module and
always taken down, even after failures.  Needs root."""

import pytest

from lab import running_lab


def pytest_configure(config):
    config.addinivalue_line("markers", "own_server: starts servers of its own")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Server + linux-bridge agents on n1 and n2 (DHCP agents: lab.start_dhcp_agent)."""
    with running_lab(tmp_path_factory.mktemp("lab")) as lab:
        yield lab
