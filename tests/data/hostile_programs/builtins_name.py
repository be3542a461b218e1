# expect: refused: __builtins__
b = __builtins__
