# expect: refused: 'eval'
print(eval('1 + 1'))
