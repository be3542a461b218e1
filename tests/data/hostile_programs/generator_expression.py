# expect: refused: generator
s = sum(i for i in range(10))
