"""A graph too big to draw whole says so: on the graph screen, in ``gradtui graph``, in JSON."""

from __future__ import annotations

import json

from ui_support import ready, screen_text, wait_for

from gradtui import cli
from gradtui.engine.autograd.graph import MAX_NODES, trace_graph
from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp
from gradtui.ui.screens.graph import GraphScreen

BIG = "+".join(["x"] * 150)  # 149 AddBackward0 and 150 visits of x's AccumulateGrad: 299 nodes
NOTE = "The graph has 299 nodes: only the first 200 are drawn, the others are left out."


def test_a_big_graph_counts_what_it_leaves_out():
    trace = trace_graph(Playground(fn=BIG).problem())
    assert (trace.total, trace.shown) == (299, MAX_NODES)
    assert trace.cut_note == NOTE
    small = trace_graph(Playground(fn="x**2 + x").problem())
    assert small.total == small.shown == 4 and small.cut_note is None


def test_the_command_line_says_so_in_text_and_json(capsys):
    assert cli.main(["graph", BIG, "--at", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == NOTE
    assert cli.main(["graph", BIG, "--at", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["nodes"], out["nodes_shown"]) == (299, 200)


async def test_the_graph_screen_says_so():
    app = GradApp(sandbox=Playground(fn=BIG))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GraphScreen))
        await pilot.pause(0.2)
        text = screen_text(app)
        assert NOTE in text
        assert "200 nodes shown" in text  # under the tree, on its border
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, GraphScreen))
        app.push_screen(GraphScreen(Playground().problem(), {"x": 3.0}))
        await wait_for(pilot, lambda: isinstance(app.screen, GraphScreen))
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "PowBackward0" in text and "nodes" not in text  # a whole graph has no note
