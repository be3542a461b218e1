# expect: refused: ASCII
ｏｐｅｎ("pwned.txt", "w")
