# fastbook's seed: descend x**2 from 3, the seven steps by hand
import torch


def f(x):
    return x**2


x = torch.tensor(3.0).requires_grad_()
lr = 0.1
for step in range(20):
    loss = f(x)
    loss.backward()
    with torch.no_grad():
        x -= x.grad * lr
        x.grad.zero_()
print(f"x = {x.item():.4f}, loss = {loss.item():.6f}")
