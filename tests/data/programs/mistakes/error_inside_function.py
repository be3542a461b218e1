import torch


def apply_step(params, lr):
    loss = (params**2).sum()
    loss.backward()
    params -= params.grad * lr
    return loss


torch.manual_seed(0)
params = torch.randn(3).requires_grad_()
for i in range(2):
    apply_step(params, 0.1)
