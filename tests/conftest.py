"""Shared pytest configuration."""

from __future__ import annotations


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "notebook: executes a notebook with papermill (slow; select with -m notebook, skip with -m 'not "
        "notebook')"
    )
