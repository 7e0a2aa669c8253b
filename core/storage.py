"""Where stored files live: Django's storage API, configured in settings.STORAGES (README "Deployment").

"default" holds the materials (FileFields), "pdfs" the stored case documents and e-licences (core.pdf). Locally the
PDFs are kept by StoredPdfStorage below; with YIJIAN_STORAGE=s3 both are django-storages' S3Storage on one private
bucket. No storage is served by a URL: the views read a file and hand it out after their permission check.
"""

from __future__ import annotations

import os
import tempfile

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils._os import safe_makedirs
from django.utils.functional import cached_property


class StoredPdfStorage(FileSystemStorage):
    """MEDIA_ROOT/pdfs/ (following MEDIA_ROOT when a test changes it), files 0600 and directories 0700 (the PDFs
    hold personal data), no URL. A file appears whole or not at all: it is written aside and then linked into
    place, and the link fails with FileExistsError when one is there already — the first stored PDF wins, and a
    reader never gets half of one (core.pdf.store_pdf)."""

    def __init__(self, **options):
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**options)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, os.path.join(settings.MEDIA_ROOT, "pdfs"))

    def url(self, name):
        raise ValueError("Stored PDFs have no URL: the views serve them after their permission check.")

    def get_available_name(self, name, max_length=None):
        return name  # never another name: a second writer of the same name finds it taken (_save)

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, suffix=".part")  # 0600
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in content.chunks():
                    f.write(chunk)
            os.chmod(partial, self.file_permissions_mode)
            os.link(partial, full_path)  # FileExistsError when another writer was first
        finally:
            os.unlink(partial)
        return name


def pdf_storage():
    """The storage of stored PDFs (settings.STORAGES["pdfs"])."""
    return storages["pdfs"]
