# 3 without a dot is a whole number
import torch

x = torch.tensor(3).requires_grad_()
