"""Hostile PowerPoint templates for the limit tests, built cheaply (a few seconds, a few hundred kB).

``bomb``: the shipped template plus one entry of zeros that unpacks to ``mb`` megabytes (it packs
about a thousand times). ``liar``: the same, but the zip says the entry unpacks to 1 000 bytes
(with the CRC of those bytes), while its stream goes on for ``mb`` megabytes: Python's ``zipfile``
inflates such a stream whole before cutting it to the declared size.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from dashboard.export import template

ENTRY = "ppt/media/image99.png"
LIE = 1_000  # bytes the liar declares


def bomb(mb: int, name: str = ENTRY, level: int = 6) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(template.default_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        with z.open(name, "w") as f:  # under 4 GB: plain 32-bit sizes in both headers
            block = b"\0" * (1 << 20)
            for _ in range(mb):
                f.write(block)
    return buf.getvalue()


def liar(mb: int) -> bytes:
    """``bomb(mb)`` with the entry's declared size and CRC rewritten in both of the zip's headers
    (local header: CRC at 14, size at 22; central directory: CRC at 16, size at 24)."""
    data = bytearray(bomb(mb, level=9))
    crc = zlib.crc32(b"\0" * LIE)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo(ENTRY).header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<II", data, local + 14, crc, struct.unpack_from("<I", data, local + 18)[0])
    struct.pack_into("<I", data, local + 22, LIE)
    central = data.rfind(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(ENTRY)] != ENTRY.encode():
        central = data.rfind(b"PK\x01\x02", 0, central)
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, LIE)
    return bytes(data)
