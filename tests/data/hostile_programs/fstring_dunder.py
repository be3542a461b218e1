# expect: refused: __class__
x = torch.zeros(2)
s = f'{x.__class__}'
