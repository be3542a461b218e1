# no loss.backward(): .grad is still None
import torch

x = torch.tensor(3.0).requires_grad_()
for step in range(3):
    loss = x**2
    with torch.no_grad():
        x -= x.grad * 0.1
