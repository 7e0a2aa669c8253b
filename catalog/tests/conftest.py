"""Fixtures of the catalog's tests (the seed catalog itself comes from the root conftest)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A copy of data/ to edit (catalog.tests.test_loading.edit_yaml) and load."""
    target = tmp_path / "data"
    shutil.copytree(settings.CATALOG_DATA_DIR, target)
    return target
