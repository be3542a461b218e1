# expect: refused: ESC
print("]52;c;cHduZWQ=")
