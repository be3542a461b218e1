"""The computation graph of the playground's current state: a tree of ``grad_fn`` nodes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static, Tree
from textual.widgets.tree import TreeNode

from gradtui.engine.autograd.graph import GraphTrace, node_label, trace_graph
from gradtui.engine.autograd.probe import GraphNode
from gradtui.engine.expr.values import format_value
from gradtui.engine.training.problem import Problem
from gradtui.engine.training.torch_errors import TorchError
from gradtui.ui.widgets.fitted_footer import FittedFooter

INTRO = (
    "Each node is a grad_fn: the backward of the op that made a tensor, found by following "
    "next_functions from the result down to the leaves. value: what the op computed; "
    "grad: the gradient flowing into the node during backward(), d(result)/d(value)."
)
DETAIL_ITEMS = 12  # numbers of a vector shown in the side panel
TREE_ITEMS = 2  # ... and in the tree, which must stay narrow


class GraphScreen(Screen):
    """Pushed over the playground with ``g``; escape goes back."""

    CSS_PATH = "graph.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "expand_all", "Expand all"),
    ]

    def __init__(self, problem: Problem, values: Mapping[str, Any]):
        super().__init__()
        self.problem = problem
        self.values = dict(values)
        self.trace: GraphTrace | None = None
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(INTRO, id="graph-intro")
        yield Static("", id="graph-cut")
        with Horizontal(id="graph-body"):
            yield Tree("graph", id="graph-tree")
            with VerticalScroll(id="graph-detail-box"):
                yield Static("", id="graph-detail")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.sub_title = "computation graph"
        self.query_one("#graph-tree").border_title = "grad_fn graph"
        self.query_one("#graph-detail-box").border_title = "node"
        tree = self.query_one(Tree)
        try:
            self.trace = trace_graph(self.problem, self.values)
        except (TorchError, ValueError, OverflowError) as err:
            self.error = str(err)
            tree.root.set_label(Text(f"no graph: {err}", style="bold red"))
            return
        tree.root.set_label(Text(f"{self.trace.result_name} = {self.trace.value_repr}"))
        note = self.trace.cut_note
        if note:
            self.query_one("#graph-cut", Static).update(Text(note))
            self.query_one("#graph-cut").display = True
            tree.border_subtitle = f"{self.trace.shown:,} nodes shown"
        tree.root.data = None
        self._add(tree.root, self.trace.root)
        tree.root.expand_all()
        tree.focus()
        self._show(self.trace.root)

    def _add(self, parent: TreeNode, node: GraphNode) -> None:
        label = Text(node_label(node), style="bold")
        label.append(f"  value {format_value(node.value, TREE_ITEMS)}", style="")
        label.append(f"  grad {format_value(node.grad, TREE_ITEMS)}", style="green")
        if node.children:
            branch = parent.add(label, data=node)
            for child in node.children:
                self._add(branch, child)
        else:
            parent.add_leaf(label, data=node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        if isinstance(event.node.data, GraphNode):
            self._show(event.node.data)

    def _show(self, node: GraphNode) -> None:
        text = Text()
        text.append(node.name + "\n", style="bold")
        if node.variable:
            text.append(
                f"the leaf {node.variable}: backward() adds the gradient "
                f"into {node.variable}.grad\n"
            )
        else:
            text.append(f"made by the op whose backward is {node.name}\n")
        shape = list(node.shape) if node.shape else "a single number"
        text.append(f"\nshape: {shape}\n")
        text.append("value: ", style="bold")
        text.append(format_value(node.value, DETAIL_ITEMS) + "\n")
        text.append("grad flowing in: ", style="bold")
        text.append(format_value(node.grad, DETAIL_ITEMS) + "\n", style="green")
        if node.children:
            text.append(
                "\nbackward() multiplies the grad flowing in by this op's own derivative and "
                "passes the product on to each input:\n"
            )
            for child in node.children:
                text.append(f"  {node_label(child)}: ", style="bold")
                text.append(f"{format_value(child.grad)}\n", style="green")
            if any(c.variable for c in node.children):
                text.append("(a leaf's .grad sums what every path brings it)", style="italic")
        self.query_one("#graph-detail", Static).update(text)

    def action_expand_all(self) -> None:
        self.query_one(Tree).root.expand_all()
