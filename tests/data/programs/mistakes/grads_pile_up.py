# nothing zeroes x.grad: backward() adds into it every step
import torch

x = torch.tensor(3.0).requires_grad_()
for step in range(5):
    loss = x**2
    loss.backward()
    with torch.no_grad():
        x -= x.grad * 0.1
