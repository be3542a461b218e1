# expect: refused: storage
x = torch.zeros(3)
s = x.storage()
