"""Translation upkeep: extract the strings, update and check the French catalog, compile it.

`flask translations update` re-extracts every string from casefiles/ and templates/ and merges it into each
catalog; `flask translations check` lists what is untranslated, fuzzy, or has mismatched placeholders;
`flask translations compile` writes the .mo files the application reads at run time. The test suite
(tests/test_i18n.py) runs the same extraction and checks.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "casefiles" / "translations"
TARGET_LOCALES = ("fr",)
# Functions whose string arguments are messages, beyond Babel's defaults (_, gettext, ngettext, pgettext...).
KEYWORDS = ("_l", "lazy_gettext", "ngettext:1,2", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")
# %(name)s, %(count)d, %s and %%: Python's printf-style placeholders used by gettext.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")

translations_cli = AppGroup("translations", help="Extract, update, check and compile the translations.")


def _pybabel(*args: str) -> None:
    """Run one pybabel command in-process (the same code as the `pybabel` script, quietly)."""
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract(pot: Path) -> Catalog:
    """Extract every message of casefiles/ and templates/ into a .pot file and return it as a catalog."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    _pybabel(
        "extract",
        "-F",
        str(BABEL_CFG),
        *keywords,
        "--add-comments=Translators:",
        "--sort-by-file",
        "--no-wrap",
        "--project=Casefiles",
        "-o",
        str(pot),
        str(ROOT),
    )
    with pot.open("rb") as handle:
        template = read_po(handle)
    # Locations relative to the project, so the catalog reads the same on every machine.
    for message in template:
        message.locations = [(_relative(path), line) for path, line in message.locations]
    with pot.open("wb") as handle:
        write_po(handle, template, width=0, sort_by_file=True)
    return template


def _relative(path: str) -> str:
    candidate = Path(path)
    return (
        candidate.relative_to(ROOT).as_posix() if candidate.is_absolute() and candidate.is_relative_to(ROOT) else path
    )


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> list[str]:
    """The placeholders of a message, sorted (their order may change in a translation, not their set)."""
    return sorted(match for match in PLACEHOLDER.findall(text) if match != "%%")


def _texts(value: str | tuple | list) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@dataclass
class Report:
    """What is wrong with one catalog against the current sources."""

    locale: str
    missing: list[str] = field(default_factory=list)  # in the sources, not in the catalog
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    placeholder_mismatch: list[str] = field(default_factory=list)
    stale_mo: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.untranslated or self.fuzzy or self.placeholder_mismatch or self.stale_mo)

    def lines(self) -> list[str]:
        out = []
        for title, items in (
            ("not in the catalog (run `flask translations update`)", self.missing),
            ("untranslated", self.untranslated),
            ("fuzzy (review, then remove the fuzzy flag)", self.fuzzy),
            ("placeholders differ from the English", self.placeholder_mismatch),
        ):
            if items:
                out.append(f"[{self.locale}] {len(items)} {title}:")
                out.extend(f"  {item!r}" for item in items)
        if self.stale_mo:
            out.append(f"[{self.locale}] messages.mo does not match messages.po (run `flask translations compile`)")
        return out


def _message_key(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}\x04{msgid}" if message.context else msgid


def check_catalog(locale: str, template: Catalog) -> Report:
    """Compare a catalog with freshly extracted messages; also check the compiled .mo matches the .po."""
    report = Report(locale)
    catalog = read_catalog(locale)
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        key = _message_key(message)
        if translated is None:
            report.missing.append(key)
            continue
        strings = _texts(translated.string)
        if not all(s.strip() for s in strings):
            report.untranslated.append(key)
        elif translated.fuzzy:
            report.fuzzy.append(key)
        elif not placeholders_match(translated):
            report.placeholder_mismatch.append(key)
    report.stale_mo = not mo_matches_po(locale, catalog)
    return report


def placeholders_match(message: Message) -> bool:
    """Every form keeps the English placeholders; a plural's singular form may spell out « un » instead."""
    ids, strings = _texts(message.id), _texts(message.string)
    if not message.pluralizable:
        return placeholders(strings[0]) == placeholders(ids[0])
    expected = placeholders(ids[-1])
    if placeholders(strings[-1]) != expected:
        return False
    return all(set(placeholders(text)) <= set(expected) for text in strings[:-1])


def mo_matches_po(locale: str, catalog: Catalog | None = None) -> bool:
    """True when the compiled .mo holds exactly the translated, non-fuzzy messages of the .po."""
    mo = po_path(locale).with_suffix(".mo")
    if not mo.exists():
        return False
    catalog = catalog or read_catalog(locale)
    with mo.open("rb") as handle:
        compiled = read_mo(handle)
    wanted = dict(_entry(m) for m in catalog if m.id and not m.fuzzy and all(_texts(m.string)))
    found = dict(_entry(m) for m in compiled if m.id)
    return wanted == found


def _entry(message: Message) -> tuple[tuple, tuple]:
    return (message.context, tuple(_texts(message.id))), tuple(_texts(message.string))


def update(locales: Iterable[str] = TARGET_LOCALES) -> Catalog:
    """Re-extract and merge into each catalog.

    A new message arrives empty, or with the translation of a close old one flagged fuzzy for review (the check
    fails until someone reviews it); messages that left the code are dropped.
    """
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        template = extract(pot)
        for locale in locales:
            command = "update" if po_path(locale).exists() else "init"
            extra = ["--ignore-obsolete"] if command == "update" else []
            _pybabel(command, "-i", str(pot), "-d", str(TRANSLATIONS), "-l", locale, "--no-wrap", *extra)
    return template


def compile_catalogs() -> None:
    """Write messages.mo next to each messages.po (fuzzy entries are left out, as gettext expects)."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@translations_cli.command("update")
def update_command() -> None:
    """Extract the strings and merge them into every catalog."""
    template = update()
    click.echo(f"{sum(1 for m in template if m.id)} messages extracted; catalogs updated in {TRANSLATIONS}.")


@translations_cli.command("compile")
def compile_command() -> None:
    """Compile every catalog to the .mo files the application reads."""
    compile_catalogs()
    click.echo("Catalogs compiled.")


@translations_cli.command("check")
def check_command() -> None:
    """Fail when a message is missing, untranslated or fuzzy, a placeholder differs, or a .mo is stale."""
    with tempfile.TemporaryDirectory() as tmp:
        template = extract(Path(tmp) / "messages.pot")
    reports = [check_catalog(locale, template) for locale in TARGET_LOCALES]
    for report in reports:
        for line in report.lines():
            click.echo(line)
    if not all(report.ok for report in reports):
        raise click.ClickException("The translations are incomplete.")
    click.echo(f"All {sum(1 for m in template if m.id)} messages are translated in {', '.join(TARGET_LOCALES)}.")
