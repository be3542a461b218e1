# backward() of a vector
import torch

x = torch.tensor([3.0, 5.0, 12.0]).requires_grad_()
y = x**2
y.backward()
