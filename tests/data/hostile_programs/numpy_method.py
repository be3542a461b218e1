# expect: refused: numpy
x = torch.zeros(3)
a = x.numpy()
a.tofile("pwned.bin")
