"""A learner's program as a plain Python script: the imports gradtui's programs start with,
the data a lesson gave it, then the code exactly as typed.

The program must compile in gradtui's subset first (a refused one is not exported). Run with
``python``, the script prints what the program printed in the app, from the same numbers.
"""

from __future__ import annotations

from gradtui.engine.program.inputs import LOADING_IMPORTS, input_names, loading_source
from gradtui.engine.program.program import compile_program

# What a program starts with in gradtui (allowlist.PRELUDE), as plain imports.
PRELUDE_IMPORTS = (
    "import torch",
    "import torch.nn.functional as F",
    "from torch import nn, tensor",
    "from torch.utils.data import DataLoader, TensorDataset",
)


def export_program(text: str, inputs: str = "") -> str:
    """The script for ``text`` (given input set ``inputs``); ``ProgramRefused`` if refused."""
    compile_program(text, input_names(inputs))
    head = [
        '"""A training loop written in gradtui\'s loop playground.',
        "",
        "Run it with: python THIS_FILE.py (it needs torch"
        + (" and numpy, and the Fashion-MNIST files)." if inputs else ")."),
        '"""',
        "",
    ]
    imports = [*LOADING_IMPORTS.get(inputs, ()), *([""] if inputs else []), *PRELUDE_IMPORTS]
    lines = head + imports + ["", ""] + loading_source(inputs)
    lines += ["# The program, as written in gradtui.", text.strip("\n")]
    return "\n".join(lines) + "\n"
