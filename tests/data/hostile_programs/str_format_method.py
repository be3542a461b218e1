# expect: refused: format
x = torch.zeros(2)
s = "{0.__class__}".format(x)
