"""The one helper for untrusted text: what it removes, what it keeps, and plain Content."""

from __future__ import annotations

import pytest
from textual.content import Content

from gradtui.safe_text import char_name, clean, plain, unsafe_char
from gradtui.ui.widgets.prose import plain_parser

HOSTILE = [
    "\x1b]52;c;aGk=\x1b\\",  # OSC 52: write the clipboard
    "\x1b]0;title\x07",  # OSC 0: the window title
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b31m",  # C1 CSI
    "\x00\x08\x7f\r\x0b\x0c",
    "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    "\u2028\u2029",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_clean_removes_what_a_terminal_acts_on(text):
    for one_line in (False, True):
        assert unsafe_char(clean(f"a{text}b", one_line=one_line), allow_cr=False) is None
    assert unsafe_char(f"a{text}b", allow_cr=False) is not None


def test_clean_keeps_text_newlines_and_tabs():
    text = "Ünïcödé × → 界 [@click=app.quit]x[/]\n\tindented"
    assert clean(text) == text
    assert clean("one\r\ntwo") == "one\ntwo"
    assert clean("one\ntwo\tthree", one_line=True) == "one two three"
    assert clean(3.5) == "3.5"


def test_char_names_say_which_character():
    assert char_name("\x1b") == "U+001B (ESC)"
    assert char_name("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"
    assert char_name("\x9b") == "U+009B (a control character)"
    assert unsafe_char("a\r\nb") is None  # a file saved on Windows
    assert unsafe_char("a\r\nb", allow_cr=False) == "\r"


def test_plain_is_content_never_markup():
    for text in ["[@click=app.quit]x[/]", "x[/]", "[bold", "[ @click=app.quit]y", "[$accent]z"]:
        content = plain(text)
        assert isinstance(content, Content)
        assert content.plain == text
        assert content.spans == []
    styled = plain("[b]x\x1b", "bold")
    assert styled.plain == "[b]x" and [s.style for s in styled.spans] == ["bold"]


def _inline(markdown: str) -> list[tuple[str, str]]:
    tokens = plain_parser().parse(markdown)
    return [(c.type, c.content) for t in tokens if t.children for c in t.children]


def test_prose_links_and_images_are_text_with_their_address():
    found = _inline(
        "[save](app.screenshot) <https://e.com/a> https://e.com/b ![alt](https://e.com/c.png)"
    )
    kinds = {kind for kind, _ in found}
    assert "link_open" not in kinds and "image" not in kinds
    text = "".join(content for _, content in found)
    assert text == (
        "save <app.screenshot> https://e.com/a https://e.com/b [image: alt] <https://e.com/c.png>"
    )


def test_prose_entities_are_cleaned_after_parsing():
    found = _inline("a&#x202e;b &#12;c &#13;d &#x2028;e [x](https://e.com/&#x202e;)")
    text = "".join(content for _, content in found)
    assert unsafe_char(text, allow_cr=False) is None
    assert text.startswith("ab c d e x <https://e.com/")
