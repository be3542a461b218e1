import torch

torch.manual_seed(0)
xb = torch.randn(4, 3)
w = torch.randn(4, 1)
preds = xb @ w
