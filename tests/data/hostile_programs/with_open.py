# expect: refused: 'open'
with open("pwned.txt", "w") as f:
    f.write("x")
