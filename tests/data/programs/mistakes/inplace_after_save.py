import torch

w = torch.ones(3, requires_grad=True)
s = w.sigmoid()
s.mul_(2)
s.sum().backward()
