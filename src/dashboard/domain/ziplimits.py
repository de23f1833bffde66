"""Limits for zip-based uploads (XLSX surveys, PPTX slide templates), checked before anything is unpacked.

Why here: the importer (ingest) and the slide templates (export) take the same kind of hostile file,
a small zip that unpacks to hundreds of megabytes; one check in the lowest layer serves both, each
with its own numbers and its own words for the user.

What the directory says, and why that is not the end of it: the declared sizes, their total, the
number of entries and the compression ratio (the classic bomb: one entry of repeated bytes) are
checked first, from the central directory alone, so an honest but huge file costs nothing. But a
declared size can lie, and Python's ``zipfile`` trusts it only halfway: ``read()`` of an entry
inflates the whole compressed stream in one call and cuts the result to the declared size
afterwards (the CRC of the cut bytes can be made to match). So ``verify=True`` also inflates every
entry in 1 MB steps, never holding more, and refuses one that yields more or fewer bytes than
declared; after that, what a reader unpacks is what the directory said.
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal

Reason = Literal["unreadable", "packed", "entries", "total", "entry", "ratio", "xml", "mismatch"]
# Entries a reader parses into a tree in memory: a tree takes ten times its XML or more, so these get
# a total of their own (python-pptx parses every slide, layout and master when it opens a file).
XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass(frozen=True)
class ZipLimits:
    """What one kind of upload may hold. ``ratio`` None: not checked (an XLSX of repeated cells
    compresses very well and is still a real survey; its row and cell limits bound it instead)."""

    entries: int  # entries in the directory
    total: int  # bytes declared unpacked, all entries together
    entry: int  # bytes declared unpacked, one entry
    ratio: float | None = None  # declared unpacked / packed, per entry
    ratio_from: int = 1 << 20  # the ratio counts only for entries that unpack to more than this
    packed: int | None = None  # bytes of the file itself
    xml_total: int | None = None  # bytes declared unpacked in XML entries (``XML_SUFFIXES``), together


class ZipRefused(ValueError):
    """The archive breaks a limit (or is no zip): ``reason``, the ``found`` amount, the ``limit``
    and the entry's ``name`` when one entry is at fault. The caller words it for its users."""

    def __init__(self, reason: Reason, found: float = 0, limit: float = 0, name: str = "") -> None:
        super().__init__(f"{reason}: {found:g} > {limit:g} {name}".strip())
        self.reason, self.found, self.limit, self.name = reason, found, limit, name


def check_zip(data: bytes, limits: ZipLimits, verify: bool = False) -> list[zipfile.ZipInfo]:
    """The archive's entries when it keeps within ``limits``; raises ``ZipRefused`` otherwise.

    Reads only the central directory (no entry is unpacked), so a refusal costs milliseconds
    whatever the file would unpack to. ``verify``: then inflate each entry in bounded steps to
    prove its declared size (see the module doc); costs one pass over the declared bytes."""
    if limits.packed is not None and len(data) > limits.packed:
        raise ZipRefused("packed", len(data), limits.packed)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ZipRefused("unreadable") from exc
    if len(infos) > limits.entries:
        raise ZipRefused("entries", len(infos), limits.entries)
    total = sum(i.file_size for i in infos)
    if total > limits.total:
        raise ZipRefused("total", total, limits.total)
    if limits.xml_total is not None:
        xml = sum(i.file_size for i in infos if i.filename.lower().endswith(XML_SUFFIXES))
        if xml > limits.xml_total:
            raise ZipRefused("xml", xml, limits.xml_total)
    for info in infos:
        if info.file_size > limits.entry:
            raise ZipRefused("entry", info.file_size, limits.entry, info.filename)
        if limits.ratio is not None and info.file_size > limits.ratio_from:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.ratio:
                raise ZipRefused("ratio", ratio, limits.ratio, info.filename)
    if verify:
        _verify_sizes(data, infos)
    return infos


STEP = 1 << 20  # bytes inflated at a time while verifying


def _verify_sizes(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every entry in ``STEP`` pieces; refuse one whose real size is not its declared size."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for declared in infos:
            probe = copy.copy(declared)
            probe.file_size = declared.file_size + 1  # let one byte too many through, to see it
            probe.CRC = None  # checked below, over what was really there
            seen, crc = 0, 0
            try:
                with zf.open(probe) as fp:
                    while chunk := fp.read(STEP):
                        seen += len(chunk)
                        crc = zlib.crc32(chunk, crc)
                        if seen > declared.file_size:
                            raise ZipRefused("mismatch", seen, declared.file_size, declared.filename)
            except ZipRefused:
                raise
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError,
                    zlib.error) as exc:  # a broken stream, an unknown method, an encrypted entry
                raise ZipRefused("unreadable", name=declared.filename) from exc
            if seen != declared.file_size:
                raise ZipRefused("mismatch", seen, declared.file_size, declared.filename)
            if crc != declared.CRC:
                raise ZipRefused("unreadable", name=declared.filename)
