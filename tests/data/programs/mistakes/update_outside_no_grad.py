# the update written without torch.no_grad()
import torch

x = torch.tensor(3.0).requires_grad_()
for step in range(3):
    loss = x**2
    loss.backward()
    x -= x.grad * 0.1
    x.grad.zero_()
