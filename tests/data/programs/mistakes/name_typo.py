import torch

x = torch.tensor(3.0).requires_grad_()
loss = x**2
los.backward()
