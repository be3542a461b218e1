# expect: refused: lambdas
g = lambda: globals()
print(g())
