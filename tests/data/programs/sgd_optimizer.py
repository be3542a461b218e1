# The roller coaster again, with torch.optim.SGD doing the step
import torch

torch.manual_seed(42)
time = torch.arange(0, 20).float()
speed = torch.randn(20) * 3 + 0.75 * (time - 9.5) ** 2 + 1
params = torch.randn(3).requires_grad_()
opt = torch.optim.SGD([params], lr=1e-5)
losses = []
for epoch in range(10):
    a, b, c = params
    preds = a * time**2 + b * time + c
    loss = ((preds - speed) ** 2).mean()
    loss.backward()
    opt.step()
    opt.zero_grad()
    losses.append(round(loss.item(), 3))
print(losses)
last = losses[-1]
