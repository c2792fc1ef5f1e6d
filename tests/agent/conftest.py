"""Fixtures of the agent tests: the namespace lab of lab.py, built once per module and
always taken down, even after failures.  Needs root."""

import os

import pytest

from lab import Lab


def pytest_configure(config):
    config.addinivalue_line("markers", "own_server: starts servers of its own")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the agent lab needs root (network namespaces)")
    lab = Lab(tmp_path_factory.mktemp("lab"))
    try:
        lab.build()
        lab.start_server()
        lab.start_agent("n1")
        lab.start_agent("n2")
        yield lab
    finally:
        problems = lab.cleanup()
        for node in ("n1", "n2"):
            text = lab.agent_log(node)
            for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
                if mark in text:
                    problems.append("sanitizer report in agent %s log" % node)
        assert not problems, problems
