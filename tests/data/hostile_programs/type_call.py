# expect: refused: 'type'
x = torch.zeros(2)
T = type(x)
