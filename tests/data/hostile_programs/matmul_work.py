# expect: stopped: matmul_work
a = torch.randn(3000, 3000)
b = a @ a
