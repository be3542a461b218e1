# expect: refused: untyped_storage
x = torch.zeros(3)
s = x.untyped_storage()
