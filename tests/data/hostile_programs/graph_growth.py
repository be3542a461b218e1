# expect: stopped: memory_mb
w = torch.zeros(4000000, requires_grad=True)
total = 0
for i in range(100):
    total = total + (w * 2).sigmoid()
