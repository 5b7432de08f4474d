"""Characters that have no place in what people type: NUL and the other control characters.

Typed text keeps tab, line feed and carriage return (a textarea sends CRLF); every other C0 or C1 control
character, and the two Unicode non-characters U+FFFE and U+FFFF, are refused where text comes in (see
forms_common.guard_text_fields) and removed where XML goes out (feeds, sitemap), so one stray byte can never make
a feed ill-formed for every reader.
"""

from __future__ import annotations

import re

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Everything XML 1.0 does not allow (and the C1 controls it discourages), for output.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def has_control_characters(text: str | None) -> bool:
    """True when the text holds a character typed text may not hold."""
    return bool(text) and _REFUSED.search(text) is not None


def xml_safe(text: str) -> str:
    """The text without any character an XML document may not contain."""
    return _NOT_XML.sub("", text)
