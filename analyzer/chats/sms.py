"""SMS Backup & Restore (Android) XML reader, streaming with ``iterparse``.

``<smses><sms address=… date=… type=… body=… contact_name=…/><mms …><parts><part ct="text/plain"
text=…/></parts><addrs><addr address=… type="137"/></addrs></mms></smses>``. Each address
(a phone number, or ``~``-joined numbers for a group) is one conversation. ``type`` 1 / ``msg_box``
1 is received, 2 is sent (sender ``Me``); drafts are skipped. The app writes emoji as two
numeric character references to UTF-16 surrogates (``&#55357;&#56832;``), which XML forbids;
they are merged into one reference before parsing (an unpaired one becomes U+FFFD).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from .errors import ChatFormatError
from .message import Message
from .textio import ProgressFn, open_binary

EXPECTED = "an SMS Backup & Restore XML file (<smses> with <sms>/<mms> elements)"
ME = "Me"
_SURROGATE_PAIR = re.compile(rb"&#(5[56]\d{3});&#(5[67]\d{3});")
_HIGH_AT_END = re.compile(rb"&#(5[56]\d{3});\Z")
_ANY_SURROGATE = re.compile(rb"&#(5[5-7]\d{3});")


def _lone(m: re.Match[bytes]) -> bytes:
    return b"&#65533;" if 0xD800 <= int(m[1]) <= 0xDFFF else m[0]
_RECEIVED, _SENT = {"1"}, {"2", "4", "5", "6"}


def _merge(m: re.Match[bytes]) -> bytes:
    hi, lo = int(m[1]), int(m[2])
    if 0xD800 <= hi <= 0xDBFF and 0xDC00 <= lo <= 0xDFFF:
        return b"&#%d;" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    return m[0]


def _split_tail(data: bytes) -> int:
    """Where an unfinished surrogate-pair reference at the end of ``data`` starts (``len(data)`` if none)."""
    cut = len(data)
    amp = data.rfind(b"&", max(0, cut - 10))
    if amp != -1 and b";" not in data[amp:]:
        cut = amp  # a reference cut in the middle
    start = max(0, cut - 8)
    m = _HIGH_AT_END.search(data[start:cut])
    if m is not None and 0xD800 <= int(m[1]) <= 0xDBFF:
        cut = start + m.start()  # a high surrogate still waiting for its partner
    return cut


class _SurrogateFixer(io.RawIOBase):
    """A binary stream that rewrites surrogate-pair character references on the fly."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while True:
            chunk = self._raw.read(max(len(buffer), 64))
            data = _SURROGATE_PAIR.sub(_merge, self._pending + chunk)
            if not chunk:  # end of input: flush everything
                out, self._pending = data, b""
                break
            cut = _split_tail(data)
            out, self._pending = data[:cut], data[cut:]
            if out:
                break
        out = _ANY_SURROGATE.sub(_lone, out)  # an unpaired surrogate would stop the XML parser
        if len(out) > len(buffer):
            out, self._pending = out[: len(buffer)], out[len(buffer) :] + self._pending
        buffer[: len(out)] = out
        return len(out)


def _time(ms: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(ms) / 1000, tz=timezone.utc) if ms else None  # type: ignore[arg-type]
    except (ValueError, OverflowError, OSError):
        return None


def _contact(elem: ET.Element) -> str:
    name = (elem.get("contact_name") or "").strip()
    address = (elem.get("address") or "").strip()
    return name if name and name != "(Unknown)" and "," not in name else address or "Unknown"


def _sms(elem: ET.Element) -> tuple[str, Message] | None:
    kind, body = elem.get("type", ""), elem.get("body")
    if not body or body == "null" or kind not in _RECEIVED | _SENT:
        return None
    sender = ME if kind in _SENT else _contact(elem)
    return elem.get("address", ""), Message(sender, _time(elem.get("date")), body.strip())


def _mms(elem: ET.Element) -> tuple[str, Message] | None:
    box = elem.get("msg_box", "")
    texts = [
        p.get("text", "")
        for p in elem.iter("part")
        if p.get("ct") == "text/plain" and p.get("text") not in (None, "", "null")
    ]
    text = "\n".join(t.strip() for t in texts).strip()
    if not text or box not in _RECEIVED | _SENT:
        return None
    if box in _SENT:
        sender = ME
    else:
        sender = _contact(elem)
        if "~" in elem.get("address", ""):
            sender = next((a.get("address", "") for a in elem.iter("addr") if a.get("type") == "137"), sender)
    return elem.get("address", ""), Message(sender or "Unknown", _time(elem.get("date")), text)


def read_sms(path: Path, progress: ProgressFn | None = None) -> Iterator[tuple[str, Message]]:
    """Yield ``(address, Message)`` for every text SMS/MMS, in file order."""
    with open_binary(path, progress) as raw:
        fixed = io.BufferedReader(_SurrogateFixer(raw))  # type: ignore[arg-type]
        root: ET.Element | None = None
        try:
            for event, elem in ET.iterparse(fixed, events=("start", "end")):
                if event == "start":
                    if root is None:
                        root = elem
                        if elem.tag not in ("smses", "allsms"):
                            raise ChatFormatError(path, f"root element is <{elem.tag}>; expected {EXPECTED}")
                    continue
                if elem.tag == "sms":
                    item = _sms(elem)
                elif elem.tag == "mms":
                    item = _mms(elem)
                else:
                    continue
                if root is not None:
                    root.clear()  # drop finished messages: flat memory on big backups
                if item is not None:
                    yield item
        except ET.ParseError as err:
            raise ChatFormatError(path, f"broken XML ({err}); expected {EXPECTED}") from None
