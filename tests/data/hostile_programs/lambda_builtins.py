# expect: refused: lambdas
f = lambda: __builtins__
