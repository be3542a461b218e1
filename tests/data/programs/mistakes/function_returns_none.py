import torch


def mse(preds, targets):
    ((preds - targets) ** 2).mean()


loss = mse(torch.tensor([1.0]), torch.tensor([2.0]))
loss.backward()
