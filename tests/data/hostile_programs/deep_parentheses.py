# expect: refused:
x = 1
