# expect: refused: '%' formatting
x = torch.zeros(2)
s = "%s" % (x,)
