# expect: refused: top level
def f():
    def g():
        return 1

    return g
