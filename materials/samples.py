"""Small valid files for demos, benchmarks and tests: they pass materials.filecheck like a real upload would."""

from __future__ import annotations

import io


def minimal_pdf(label: str = "") -> bytes:
    """A valid one-page PDF (an empty A4 page); `label`, kept in a comment, only makes each file's hash differ."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = b"%PDF-1.4\n%" + label.encode().replace(b"\n", b" ").replace(b"\r", b" ") + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def sample_image(
    format: str = "PNG", size: tuple[int, int] = (8, 8), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    """A small solid-colour image in `format` (PNG or JPEG), made with Pillow."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format)
    return out.getvalue()


MINIMAL_PDF = minimal_pdf()
