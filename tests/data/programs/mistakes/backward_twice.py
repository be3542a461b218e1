# the loss computed once, outside the loop
import torch

x = torch.tensor(3.0).requires_grad_()
loss = x**2
for step in range(3):
    loss.backward()
    with torch.no_grad():
        x -= x.grad * 0.1
        x.grad.zero_()
