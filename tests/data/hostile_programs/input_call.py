# expect: refused: 'input'
name = input()
