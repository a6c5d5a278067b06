"""Hostile files as an attacker or a broken device would make them, small on disk, built by the tests.

Shared by the tests and the benchmark (``hostile_scan_s``). PDFs are written by hand so that they
hold exactly the trap and nothing pypdf would tidy away.
"""

from __future__ import annotations

import struct
import zlib


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of ``objects`` (object n is ``objects[n - 1]``) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, flate: bool = False) -> bytes:
    head = b"<< /Length %d" % len(data) + (b" /Filter /FlateDecode" if flate else b"") + extra + b" >>"
    return head + b"\nstream\n" + data + b"\nendstream"


def inflating_to(size: int) -> bytes:
    """A Flate stream of page-drawing text (spaces) that inflates to ``size`` bytes; about size/1000 on disk."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    parts.append(packer.compress(b" " * (size & ((1 << 20) - 1))))
    parts.append(packer.flush())
    return b"".join(parts)


def flate_bomb_pdf(pages: int, inflated: int = 74 * 10**6, *, shared: int = 0) -> bytes:
    """``pages`` pages, each drawing a Flate stream that inflates to ``inflated`` bytes.

    With ``shared``, every page draws one common stream that many times instead (the 88 KB case).
    """
    bomb = stream(inflating_to(inflated), flate=True)
    first_page = 3
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    if shared:
        content = first_page + pages
        for n in range(pages):
            kids.append(first_page + n)
            refs = b" ".join(b"%d 0 R" % content for _ in range(shared))
            objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [%s] >>" % refs)
        objects.append(bomb)
    else:
        for n in range(pages):
            page, content = first_page + 2 * n, first_page + 2 * n + 1
            kids.append(page)
            objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % content)
            objects.append(bomb)
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))
    return raw_pdf(objects)


def one_page_pdf(page_extra: bytes = b"", extra_objects: list[bytes] | None = None,
                 content: bytes = b"BT /F1 12 Tf 72 720 Td (page) Tj ET", resources: bytes = b"") -> bytes:
    """One A4 page (objects 1-4: catalog, pages, page, contents); ``extra_objects`` start at 5."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << %s >> %s >>"
        % (resources, page_extra),
        stream(zlib.compress(content), flate=True),
        *(extra_objects or []),
    ]
    return raw_pdf(objects)


def nested_pdf(depth: int) -> bytes:
    """A page whose resources lead through ``depth`` dictionaries, each in its own object."""
    chain = [b"<< /Next %d 0 R >>" % (6 + n) for n in range(depth - 1)] + [b"<< /End true >>"]
    return one_page_pdf(resources=b"/Properties << /P0 5 0 R >>", extra_objects=chain)


def actions_pdf() -> bytes:
    """A page that runs JavaScript when opened, launches a program from a link and carries a file."""
    return one_page_pdf(
        page_extra=b"/AA << /O << /S /JavaScript /JS (app.alert\\(1\\)) >> >> /Annots [5 0 R 6 0 R]",
        extra_objects=[
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /Launch /F (cmd.exe) >> >>",
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS << /Type /Filespec /F (x.exe) "
            b"/EF << /F 7 0 R >> >> >>",
            stream(b"MZ payload", b" /Type /EmbeddedFile"),
        ],
    )


def rotated_heavy_pdf(content_bytes: int) -> bytes:
    """A page turned by /Rotate 90 whose drawing instructions inflate to ``content_bytes``."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Rotate 90 /Contents 4 0 R >>",
        stream(inflating_to(content_bytes), flate=True),
    ])


def png_with_corrupt_pixels(width: int = 60, height: int = 40) -> bytes:
    """A PNG whose chunks and CRCs are all correct but whose pixel data ends far too early."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" + b"\x80" * 30)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def deep_array_pdf(depth: int) -> bytes:
    """A page whose resources hold one array nested ``depth`` times inside itself."""
    return one_page_pdf(resources=b"/Properties << /P0 " + b"[" * depth + b"]" * depth + b" >>")
