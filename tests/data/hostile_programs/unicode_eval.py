# expect: refused: ASCII
ｅval("1")
