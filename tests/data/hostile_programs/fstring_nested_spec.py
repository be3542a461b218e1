# expect: refused: format
x = 1.5
s = f'{x:{10**9}}'
