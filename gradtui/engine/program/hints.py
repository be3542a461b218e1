"""What a refusal says instead: the allowed way to do what the refused code was after."""

from __future__ import annotations

import ast

from gradtui.engine.program import allowlist

_FILES = "files and the system are out of a program's reach: data comes from the lesson"

# Python builtins outside the subset -> what to do instead.
NAMES = {
    "open": _FILES,
    "eval": "text is never run as code",
    "exec": "text is never run as code",
    "compile": "text is never run as code",
    "__import__": "only the imports listed in the help: import torch, ...",
    "getattr": "write the attribute itself: x.grad",
    "setattr": "assign the attribute itself: p.grad = None",
    "delattr": "assign the attribute itself: p.grad = None",
    "hasattr": "write the attribute itself: x.grad",
    "type": "a tensor's kind is x.dtype, its size x.shape",
    "isinstance": "a tensor's kind is x.dtype, its size x.shape",
    "globals": "write the variable's name",
    "locals": "write the variable's name",
    "vars": "write the variable's name",
    "dir": "the help lists what a tensor has",
    "input": "a program takes no typed input: set a variable at the top",
    "breakpoint": "step the program line by line instead",
    "exit": "use break to leave a loop; the program ends after its last line",
    "quit": "use break to leave a loop; the program ends after its last line",
    "iter": "write a for loop",
    "next": "write a for loop",
    "map": "write a for loop or a list comprehension",
    "filter": "write a for loop or a list comprehension",
    "sorted": "use torch.sort or a tensor's max/argmax",
    "repr": "print(x) shows it",
    "format": "use an f-string: f'{loss:.4f}'",
    "object": "classes are not in the subset",
    "super": "classes are not in the subset",
    "memoryview": _FILES,
    "bytearray": _FILES,
    "bytes": _FILES,
}

ATTRIBUTES = {
    "numpy": "use .tolist() or .item() to get Python numbers",
    "storage": "use .tolist() or .item() to get Python numbers",
    "untyped_storage": "use .tolist() or .item() to get Python numbers",
    "to": "use .float(), .double() or .long()",
    "cuda": "gradtui runs on the CPU",
    "format": "use an f-string: f'{loss:.4f}'",
    "join": "print several values: print('loss', loss)",
    "register_hook": "read .grad after backward() instead",
    "next_functions": "gradtui's graph view shows the grad_fn graph",
    "save": _FILES,
    "load": _FILES,
    "from_file": _FILES,
    "hub": _FILES,
    "ops": "use the torch functions listed in the help",
    "utils": "DataLoader and TensorDataset: from torch.utils.data import DataLoader",
}

STATEMENTS: dict[type, str] = {
    ast.ClassDef: "classes are not in the subset: write functions with def",
    ast.Try: "errors stop the program so you see them: remove try/except",
    ast.Raise: "errors come from torch and Python themselves",
    ast.Global: "pass values in as parameters and return results",
    ast.Nonlocal: "pass values in as parameters and return results",
    ast.Delete: "assign None instead, or just stop using the name",
    ast.AsyncFunctionDef: "write a plain def",
    ast.AsyncFor: "write a plain for loop",
    ast.AsyncWith: "with torch.no_grad(): is the one with statement",
    ast.AnnAssign: "write the assignment without the annotation: x = 3.0",
    ast.Match: "use if/elif/else",
}

EXPRESSIONS: dict[type, str] = {
    ast.Lambda: "define a function with def",
    ast.GeneratorExp: "use a list comprehension: [f(x) for x in xs]",
    ast.DictComp: "dicts are not in the subset: use lists",
    ast.SetComp: "sets are not in the subset: use lists",
    ast.Dict: "dicts are not in the subset: use lists or separate variables",
    ast.Set: "sets are not in the subset: use lists",
    ast.NamedExpr: "assign on its own line: x = ...",
    ast.Starred: "write the items out",
    ast.Await: "",
    ast.Yield: "return the value",
    ast.YieldFrom: "return the value",
}

IMPORTS = (
    "allowed imports: import torch; import torch.nn as nn; import torch.nn.functional as F; "
    "from torch import tensor (or another torch function); "
    "from torch.utils.data import DataLoader, TensorDataset"
)


def torch_members(path: str) -> str:
    """The allowed members of a module, for a refusal's 'allowed:' list."""
    names = sorted(allowlist.MODULES[path])
    shown = ", ".join(names[:40])
    return shown + (", ..." if len(names) > 40 else "")
