"""The shared zip limits (issue 18.7): every limit refuses from the directory alone, and ``verify``
catches an entry whose real size is not the declared one."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace

import pytest
import zipbombs

from dashboard.domain.ziplimits import ZipLimits, ZipRefused, check_zip

ROOMY = ZipLimits(entries=10, total=10_000_000, entry=5_000_000, ratio=50, ratio_from=1_000, packed=5_000_000,
                  xml_total=100_000)


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


HONEST = {"[Content_Types].xml": b"<Types/>", "ppt/slides/slide1.xml": b"<sld>" + b"x" * 500 + b"</sld>",
          "ppt/media/a.png": os.urandom(20_000)}


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_an_honest_archive_passes_with_and_without_verifying(method: int) -> None:
    data = _zip(HONEST, method)
    assert [i.filename for i in check_zip(data, ROOMY)] == list(HONEST)
    assert len(check_zip(data, ROOMY, verify=True)) == 3


@pytest.mark.parametrize(
    ("entries", "limits", "reason"),
    [
        ({"a": b"x"}, replace(ROOMY, packed=10), "packed"),
        ({f"e{i}": b"x" for i in range(11)}, ROOMY, "entries"),
        ({"a": os.urandom(4_000_000), "b": os.urandom(4_000_000), "c": os.urandom(3_000_000)},
         replace(ROOMY, packed=None), "total"),
        ({"big.bin": os.urandom(5_000_001)}, replace(ROOMY, packed=None), "entry"),
        ({"zeros.bin": bytes(200_000)}, ROOMY, "ratio"),
        ({"a.xml": os.urandom(60_000).hex().encode()}, ROOMY, "xml"),
    ],
    ids=["packed", "entries", "total", "entry", "ratio", "xml"],
)
def test_each_limit_refuses_with_its_reason(entries: dict[str, bytes], limits: ZipLimits, reason: str) -> None:
    with pytest.raises(ZipRefused) as exc:
        check_zip(_zip(entries), limits)
    assert exc.value.reason == reason
    assert exc.value.found > exc.value.limit


def test_small_entries_may_pack_well_and_the_ratio_can_be_off() -> None:
    check_zip(_zip({"zeros.bin": bytes(900)}), ROOMY)  # under ratio_from
    check_zip(_zip({"zeros.bin": bytes(200_000)}), ZipLimits(entries=10, total=10**7, entry=10**7))


def test_no_zip_is_unreadable() -> None:
    with pytest.raises(ZipRefused) as exc:
        check_zip(b"Enhetstyp;Kommunkod\n", ROOMY)
    assert exc.value.reason == "unreadable"


def test_a_declared_size_that_lies_is_caught_only_by_verifying() -> None:
    limits = ZipLimits(entries=100, total=10**9, entry=10**9)
    data = zipbombs.liar(5)
    check_zip(data, limits)  # the directory looks fine: 1 000 bytes
    with pytest.raises(ZipRefused) as exc:
        check_zip(data, limits, verify=True)
    assert (exc.value.reason, exc.value.name) == ("mismatch", zipbombs.ENTRY)


def test_a_damaged_entry_is_refused_when_verifying() -> None:
    data = bytearray(_zip({"a.bin": os.urandom(3_000)}, zipfile.ZIP_STORED))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("a.bin")
    body = info.header_offset + 30 + len("a.bin")
    data[body] ^= 0xFF  # one byte changed: the CRC no longer matches
    with pytest.raises(ZipRefused) as exc:
        check_zip(bytes(data), ROOMY, verify=True)
    assert exc.value.reason == "unreadable"
