"""A lesson's prose: its Markdown drawn as text, where no link can do anything.

Textual's ``Markdown`` turns a link into an ``@click`` action that opens its address (in a
web browser, or the browser of ``gradtui serve``). A lesson file is untrusted, so here a link
is its text followed by its address, shown and never opened; an image is its alt text and
address. The parsed text is cleaned too: an entity such as ``&#x202e;`` becomes a character
only once parsed (see ``gradtui.safe_text``).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from textual.widgets import Markdown

from gradtui.safe_text import clean
from gradtui.ui.widgets.prose_blocks import PROSE_BLOCKS


class Prose(Markdown):
    """Markdown from a lesson file: headings, lists, tables and code; links are text; code
    lines and table cells shown whole in a narrow pane (see ``prose_blocks``)."""

    BLOCKS = {**Markdown.BLOCKS, **PROSE_BLOCKS}

    def __init__(self, markdown: str, **kwargs):
        super().__init__(markdown, parser_factory=plain_parser, open_links=False, **kwargs)
        self.rendered = False  # Textual builds the blocks in the background, after mounting

    def on_markdown_table_of_contents_updated(self) -> None:
        """Sent when the blocks of the text are all in place."""
        self.rendered = True


def plain_parser() -> MarkdownIt:
    """Textual's usual parser, with links made text and control characters removed."""
    parser = MarkdownIt("gfm-like")
    parser.core.ruler.push("gradtui_plain_text", _plain_tokens)
    return parser


def _plain_tokens(state: StateCore) -> None:
    for token in state.tokens:
        token.content = clean(token.content)
        token.info = clean(token.info)
        if token.children:
            token.children = _unlinked(token.children)


def _unlinked(children: list[Token]) -> list[Token]:
    """Inline tokens without links or images: their text, then the address in code style."""
    out: list[Token] = []
    links: list[tuple[str, int]] = []  # (address, where the link's text starts in ``out``)
    for child in children:
        if child.type == "link_open":
            links.append((clean(child.attrGet("href") or ""), len(out)))
        elif child.type == "link_close":
            href, start = links.pop() if links else ("", len(out))
            shown = "".join(t.content for t in out[start:])
            if href and href not in (shown, f"http://{shown}", f"mailto:{shown}"):
                out += _address(href)
        elif child.type == "image":
            alt = "".join(t.content for t in child.children or ())
            out.append(_token("text", clean(f"[image: {alt}]" if alt else "[image]")))
            out += _address(clean(child.attrGet("src") or ""))
        else:
            child.content = clean(child.content)
            out.append(child)
    return out


def _address(href: str) -> list[Token]:
    return [_token("text", " <"), _token("code_inline", href), _token("text", ">")] if href else []


def _token(kind: str, content: str) -> Token:
    return Token(kind, "code" if kind == "code_inline" else "", 0, content=content)
