# expect: refused: ASCII
x = torch.zeros(2)
c = x.__ｃlass__
