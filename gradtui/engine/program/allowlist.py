"""gradtui's PyTorch subset as data: every module member, method, attribute and builtin allowed.

A name not in these tables is refused before the program runs. Each callable has a ``Spec``:
the keyword arguments it accepts (anything else, such as ``device=`` or ``out=``, is refused)
and, for the ones that can make a tensor or a list bigger than their inputs, the size rule
that checks the result's size before it is made (``sizes.py``). Wrong positional arguments are
left to torch, so a learner meets torch's own ``TypeError``.

Nothing here imports torch: the tables are names, bound to torch's objects at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradtui.engine.expr.expr import FUNCTIONS as EXPRESSION_FUNCTIONS


@dataclass(frozen=True)
class Spec:
    """What one allowed callable accepts: keyword names, a size rule, a positional maximum."""

    keywords: frozenset[str] = frozenset()
    size: str | None = None
    max_args: int | None = None


def _spec(keywords: str = "", size: str | None = None, max_args: int | None = None) -> Spec:
    return Spec(frozenset(keywords.split()), size, max_args)


_MAKE = "dtype requires_grad"
_REDUCE = "dim keepdim"

# torch.NAME(...): the expression compiler's functions, then what fastbook chapter 4 uses.
TORCH: dict[str, Spec] = {name: _spec() for name in EXPRESSION_FUNCTIONS}
TORCH.update(
    {
        "clamp": _spec("min max"),
        "sum": _spec(_REDUCE),
        "mean": _spec(_REDUCE),
        "tensor": _spec(_MAKE, "data", 1),
        "arange": _spec(_MAKE, "arange", 3),
        "linspace": _spec(_MAKE + " steps", "linspace", 3),
        "randn": _spec(_MAKE, "shape"),
        "rand": _spec(_MAKE, "shape"),
        "zeros": _spec(_MAKE, "shape"),
        "ones": _spec(_MAKE, "shape"),
        "full": _spec(_MAKE, "full", 2),
        "randint": _spec("dtype", "randint", 3),
        "randperm": _spec("dtype", "randperm", 1),
        "zeros_like": _spec(_MAKE),
        "ones_like": _spec(_MAKE),
        "randn_like": _spec(_MAKE),
        "rand_like": _spec(_MAKE),
        "stack": _spec("dim", "concat", 2),
        "cat": _spec("dim", "concat", 2),
        "where": _spec(),
        "matmul": _spec(size="matmul", max_args=2),
        "manual_seed": _spec(max_args=1),
        "max": _spec(_REDUCE),
        "min": _spec(_REDUCE),
        "argmax": _spec(_REDUCE),
        "argmin": _spec(_REDUCE),
        "round": _spec("decimals"),
        "sign": _spec(),
        "softmax": _spec("dim"),
        "log_softmax": _spec("dim"),
        "flatten": _spec("start_dim end_dim"),
        "reshape": _spec(),
        "squeeze": _spec("dim"),
        "unsqueeze": _spec("dim"),
        "numel": _spec(),
        "allclose": _spec("rtol atol"),
        "isclose": _spec("rtol atol"),
    }
)
DTYPES = ("float32", "float", "float64", "double", "int64", "long", "int32", "int", "bool")

NN: dict[str, Spec] = {
    "Linear": _spec("bias", "linear", 3),
    "ReLU": _spec(max_args=0),
    "Sigmoid": _spec(max_args=0),
    "Sequential": _spec(),
    "Parameter": _spec("requires_grad", max_args=2),
}
FUNCTIONAL: dict[str, Spec] = {
    "relu": _spec(),
    "sigmoid": _spec(),
    "softmax": _spec("dim"),
    "log_softmax": _spec("dim"),
    "mse_loss": _spec(),
    "l1_loss": _spec(),
    "binary_cross_entropy": _spec(),
    "binary_cross_entropy_with_logits": _spec(),
    "cross_entropy": _spec(),
}
OPTIM: dict[str, Spec] = {
    "SGD": _spec("lr momentum weight_decay", max_args=3),
    "Adam": _spec("lr betas eps weight_decay", max_args=2),
}
DATA: dict[str, Spec] = {
    "DataLoader": _spec("batch_size shuffle drop_last", max_args=2),
    "TensorDataset": _spec(),
}

# Dotted module name -> its members (callables by spec; submodules and values by name).
MODULES: dict[str, dict[str, Spec | str]] = {
    "torch": {
        **TORCH,
        **dict.fromkeys(DTYPES, "dtype"),
        "nn": "module",
        "optim": "module",
        "no_grad": "no_grad",
        "pi": "number",
    },
    "torch.nn": {**NN, "functional": "module"},
    "torch.nn.functional": dict(FUNCTIONAL),
    "torch.optim": dict(OPTIM),
    "torch.utils.data": dict(DATA),
}
# Names a program starts with, as after fastai's ``from fastai.vision.all import *``.
PRELUDE = {
    "torch": "torch",
    "tensor": "torch.tensor",
    "nn": "torch.nn",
    "F": "torch.nn.functional",
    "DataLoader": "torch.utils.data.DataLoader",
    "TensorDataset": "torch.utils.data.TensorDataset",
}

_ELEMENTWISE = (
    "abs exp log sqrt sigmoid relu tanh sin cos square sign neg floor ceil "
    "float double long int bool detach clone contiguous t numel dim is_floating_point "
    "item tolist zero_ any all"
)
TENSOR_METHODS: dict[str, Spec] = dict.fromkeys(_ELEMENTWISE.split(), _spec())
TENSOR_METHODS.update(
    {
        "tolist": _spec(size="tolist"),
        "backward": _spec("gradient retain_graph", max_args=2),
        "requires_grad_": _spec("requires_grad", max_args=1),
        "view": _spec(),
        "reshape": _spec(),
        "flatten": _spec("start_dim end_dim"),
        "squeeze": _spec("dim"),
        "unsqueeze": _spec("dim"),
        "permute": _spec(),
        "transpose": _spec(),
        "expand": _spec(size="expand"),
        "repeat": _spec(size="repeat"),
        "size": _spec("dim"),
        "sum": _spec(_REDUCE),
        "mean": _spec(_REDUCE),
        "std": _spec(_REDUCE),
        "var": _spec(_REDUCE),
        "norm": _spec(_REDUCE),
        "max": _spec(_REDUCE),
        "min": _spec(_REDUCE),
        "argmax": _spec(_REDUCE),
        "argmin": _spec(_REDUCE),
        "softmax": _spec("dim"),
        "log_softmax": _spec("dim"),
        "clamp": _spec("min max"),
        "clamp_min": _spec(),
        "clamp_max": _spec(),
        "pow": _spec(),
        "round": _spec("decimals"),
        "matmul": _spec(size="matmul", max_args=1),
        "mm": _spec(size="matmul", max_args=1),
        "add_": _spec("alpha"),
        "sub_": _spec("alpha"),
        "mul_": _spec(),
        "div_": _spec(),
        "fill_": _spec(),
        "clamp_": _spec("min max"),
        "normal_": _spec("mean std"),
        "uniform_": _spec(),
        "eq": _spec(),
        "ne": _spec(),
        "gt": _spec(),
        "lt": _spec(),
        "ge": _spec(),
        "le": _spec(),
        "maximum": _spec(),
        "minimum": _spec(),
        "allclose": _spec("rtol atol"),
    }
)
TENSOR_ATTRIBUTES = frozenset(
    ["data", "grad", "grad_fn", "shape", "requires_grad", "T", "dtype", "ndim", "is_leaf"]
)
# Tensor attributes a program may assign: p.data = ..., p.grad = None, p.requires_grad = True.
TENSOR_SETTABLE = frozenset({"data", "grad", "requires_grad"})

# What the other kinds of values allow (the runtime knows which type is which).
MODEL_METHODS: dict[str, Spec] = {"parameters": _spec(max_args=0), "zero_grad": _spec()}
MODEL_ATTRIBUTES = frozenset({"weight", "bias", "in_features", "out_features"})
OPTIMIZER_METHODS: dict[str, Spec] = {"step": _spec(max_args=0), "zero_grad": _spec()}
LIST_METHODS: dict[str, Spec] = {"append": _spec(max_args=1), "extend": _spec(max_args=1)}
RESULT_ATTRIBUTES = frozenset({"values", "indices"})  # x.max(dim=1).values

METHODS: frozenset[str] = frozenset(
    [*TENSOR_METHODS, *MODEL_METHODS, *OPTIMIZER_METHODS, *LIST_METHODS]
)
ATTRIBUTES: frozenset[str] = TENSOR_ATTRIBUTES | MODEL_ATTRIBUTES | RESULT_ATTRIBUTES

# Python's builtins a program may call (they are wrapped: sizes are checked first).
BUILTINS: dict[str, Spec] = {
    "print": _spec("sep end flush"),
    "range": _spec(max_args=3),
    "len": _spec(max_args=1),
    "abs": _spec(max_args=1),
    "min": _spec(),
    "max": _spec(),
    "sum": _spec("start", max_args=2),
    "round": _spec(max_args=2),
    "float": _spec(max_args=1),
    "int": _spec(max_args=1),
    "bool": _spec(max_args=1),
    "str": _spec(max_args=1),
    "list": _spec(max_args=1),
    "tuple": _spec(max_args=1),
    "enumerate": _spec("start", max_args=2),
    "zip": _spec(),
}
KEYWORDS: frozenset[str] = frozenset(
    kw
    for table in (TORCH, NN, FUNCTIONAL, OPTIM, DATA, TENSOR_METHODS, BUILTINS)
    for spec in table.values()
    for kw in spec.keywords
) | {kw for spec in (*MODEL_METHODS.values(), *OPTIMIZER_METHODS.values()) for kw in spec.keywords}

# Imports a program may write: module -> the name it binds (``import torch.nn as nn``), and
# ``from MODULE import NAME`` for the members above.
IMPORT_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data")
