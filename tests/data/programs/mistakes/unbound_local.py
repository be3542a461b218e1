import torch

lr = 0.1


def step(p):
    p.data -= lr * p.grad
    lr = lr / 2


x = torch.tensor(3.0).requires_grad_()
(x**2).backward()
step(x)
