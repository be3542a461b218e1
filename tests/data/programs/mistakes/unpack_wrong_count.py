import torch

torch.manual_seed(0)
params = torch.randn(3)
a, b = params
