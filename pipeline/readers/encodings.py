"""Which Unicode encoding a file's bytes are in: from the byte-order mark, else from the zero bytes of UTF-16
or UTF-32 text that starts with ASCII characters (as XML and JSON do), else UTF-8."""
from __future__ import annotations

import re

_BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
)
CODEC_NAMES = {"utf-8": "UTF-8", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32-le": "UTF-32",
               "utf-32-be": "UTF-32"}
_XML_DECLARATION_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def text_encoding(raw: bytes) -> tuple[str, int]:
    """`(codec, length of its byte-order mark)`."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            return codec, len(mark)
    head = raw[:4]
    if len(head) == 4:
        ascii_at = [9 <= b < 127 for b in head]
        zero_at = [b == 0 for b in head]
        if ascii_at[0] and all(zero_at[1:]):
            return "utf-32-le", 0
        if all(zero_at[:3]) and ascii_at[3]:
            return "utf-32-be", 0
        if ascii_at[0] and zero_at[1] and ascii_at[2] and zero_at[3]:
            return "utf-16-le", 0
        if zero_at[0] and ascii_at[1] and zero_at[2] and ascii_at[3]:
            return "utf-16-be", 0
    return "utf-8", 0


def xml_as_utf8(raw: bytes) -> bytes:
    """UTF-16 or UTF-32 XML as UTF-8 bytes (its declaration's encoding dropped: the bytes decide); other bytes
    unchanged. Expat reads no UTF-32, and refuses a declaration that names another encoding than the mark's."""
    codec, mark = text_encoding(raw)
    if codec == "utf-8":
        return raw
    try:
        text = raw[mark:].decode(codec)
    except UnicodeDecodeError:
        return raw  # the parser reports where it breaks
    return _XML_DECLARATION_ENCODING.sub(r"\1", text, count=1).encode("utf-8")
