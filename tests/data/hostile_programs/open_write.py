# expect: refused: 'open'
open("pwned.txt", "w").write("x")
