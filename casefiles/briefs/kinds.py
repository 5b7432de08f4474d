"""The kinds of brief, their names in the reader's language and their file names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LEGAL = "legal"
PUBLIC = "public"
ONE_PAGER = "onepager"
KINDS = (LEGAL, PUBLIC, ONE_PAGER)
KIND_LABELS = {
    LEGAL: _l("Legal brief"),
    PUBLIC: _l("Public brief"),
    ONE_PAGER: _l("Advocacy one-pager"),
}
FILE_SLUGS = {LEGAL: "legal-brief", PUBLIC: "public-brief", ONE_PAGER: "one-pager"}
