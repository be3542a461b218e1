# expect: refused: 'compile'
c = compile("1", "f", "eval")
