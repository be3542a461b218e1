"""Keys documented once: the help's key table is made from the bindings, and the README's
key table names exactly the keys that are bound."""

from __future__ import annotations

import re
from pathlib import Path

from gradtui.ui.screens.help import HELP, KEY_WORDS, bindings, key_label, key_table

README = Path(__file__).resolve().parent.parent / "README.md"


def bound_keys() -> set[str]:
    labels = {key_label(k) for b in bindings() for k in b.key.split(",")}
    return labels | {"ctrl+p"}  # Textual's own command palette key


def readme_keys() -> set[str]:
    """The keys in the first column of the README's key table."""
    text = README.read_text("utf-8")
    table = text[text.index("| keys | what they do |") :].split("\n\n", 1)[0]
    rows = [line.strip().split("|")[1] for line in table.splitlines()[2:]]
    return {key for row in rows for key in re.findall(r"`([^`]+)`", row)}


def test_every_binding_has_its_words_and_every_words_a_binding():
    actions = {b.action for b in bindings()}
    assert actions == set(KEY_WORDS)
    table = key_table()
    for binding in bindings():
        assert KEY_WORDS[binding.action] in table


def test_the_help_shows_the_table_made_from_the_bindings():
    assert "{keys}" in HELP  # the help's text has no key table of its own
    assert "| `PgDn` | scroll the panels down" in key_table()


def test_the_readme_names_exactly_the_bound_keys():
    assert readme_keys() == bound_keys()


def test_every_key_of_the_code_editor_has_its_words_in_the_help():
    from gradtui.ui.screens.help import EDITOR_WORDS, editor_table
    from gradtui.ui.widgets.loop_editor import LoopEditor

    actions = {b.action for b in LoopEditor.BINDINGS}
    assert actions == set(EDITOR_WORDS)
    table = editor_table()
    for words in EDITOR_WORDS.values():
        assert f"| {words} |" in table
    assert "| `ctrl+home` `ctrl+end` | start / end of the program" in table
    assert "{editor_keys}" in HELP
