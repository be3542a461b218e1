# expect: refused: '*'
print(*[1, 2])
