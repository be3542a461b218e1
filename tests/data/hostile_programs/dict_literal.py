# expect: refused: dicts
d = {'a': 1}
