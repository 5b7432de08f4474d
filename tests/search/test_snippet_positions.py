"""Snippets start where the index says the first match is: for words and prefixes they are the same as when the text
is read word by word, whatever the text holds (apostrophes, underscores, other scripts, digits, repeated words);
for a phrase the snippet shows the phrase itself, not the first of its words found alone."""

from __future__ import annotations

import random

import pytest

from casefiles.fulltext.terms import index_terms, parse, snippet

TEXTS = [
    "L'élève a été suspendue pour une caricature publiée dans le journal étudiant.",
    "The professor was suspended; the suspension was later lifted after the appeal of the union.",
    "snake_case_words and مرحبا بالعالم then suspendue, then SUSPENDU again: suspension_totale",
    "Freedom of expression matters. " * 30 + "Later the freedom of expression clause was cited again.",
    "Numbers 2023-11-14 and 4217 then réintégration, réintégrée, réintégrer.",
    "",
    "Nothing to find here at all.",
]
QUERIES = ["suspendue", "suspension", '"freedom of expression"', "réintég*", "4217", "appeal union", "absent"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("typed", QUERIES)
def test_the_snippet_from_the_index_position_is_the_snippet_of_the_full_reading(text, typed):
    query = parse(typed)
    terms = index_terms(text)
    near = query.first_word(terms) if terms else None
    assert (query.found_in(terms) > 0) == (near is not None)
    if typed.startswith('"'):
        _assert_shows_the_phrase(snippet(text, query, near=near), near, text)
    else:
        assert snippet(text, query, near=near) == snippet(text, parse(typed))


def _assert_shows_the_phrase(found, near, text=""):
    # (The index also holds a phrase across the end of one run of terms and the start of the next, as the engine
    # does: such a match is not in the text, and shows its first word.)
    if near is None or "freedom of expression" not in text.lower():
        return
    marked = [word.lower() for word, hit in found.pieces if hit]
    assert marked[:3] == ["freedom", "of", "expression"]


def test_random_pages_give_the_same_snippets():
    rng = random.Random(3)
    vocabulary = (
        "the suspension of a student was appealed la suspendue élève réintégrée l'école freedom of expression".split()
    )
    for _ in range(300):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(1, 200)))
        terms = index_terms(text)
        for typed in ("suspendue", "réintég*", "appealed"):
            query = parse(typed)
            assert snippet(text, query, near=query.first_word(terms)) == snippet(text, parse(typed))
        phrase = parse('"freedom of expression"')
        _assert_shows_the_phrase(snippet(text, phrase, near=phrase.first_word(terms)), phrase.first_word(terms), text)


def test_found_in_counts_every_clause_and_refuses_a_missing_one():
    terms = index_terms("The suspension was suspended, then the suspension was lifted.")
    assert parse("suspension").found_in(terms) >= 2
    assert parse("suspension lifted").found_in(terms) >= 3
    assert parse("suspension absent").found_in(terms) == 0
    assert parse('"was lifted"').found_in(terms) >= 1
    assert parse('"lifted was"').found_in(terms) == 0
    assert parse("susp*").found_in(terms) >= 3


@pytest.mark.parametrize("text", [t for t in TEXTS if t])
@pytest.mark.parametrize("typed", ["suspendue", "appeal union", '"freedom of expression"', "réintég*", "4217"])
def test_a_snippet_reads_as_its_stretch_of_the_text(text, typed):
    # Punctuation keeps the space after it ("said: freedom, of", never "said:freedom,of"); runs of spaces and
    # line breaks read as one space; the marked words are the text's own.
    found = snippet(text, parse(typed), radius=40)
    if found is None:
        return
    shown = "".join(piece for piece, _hit in found.pieces)
    assert shown in " ".join(text.split())
    assert all(piece in text for piece, hit in found.pieces if hit)


def test_a_snippet_keeps_the_spaces_between_punctuation_and_words():
    found = snippet("They said: freedom, of\n\n  expression matters. Then, more.", parse("expression"))
    assert "".join(piece for piece, _hit in found.pieces) == "They said: freedom, of expression matters. Then, more"
    assert [piece for piece, hit in found.pieces if hit] == ["expression"]
