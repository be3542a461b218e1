import torch

w = torch.tensor(2.0).requires_grad_()
with torch.no_grad():
    loss = (w * 3) ** 2
loss.backward()
