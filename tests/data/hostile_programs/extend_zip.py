# expect: refused: extend
L = []
L.extend(zip(range(10**12), range(10**12)))
