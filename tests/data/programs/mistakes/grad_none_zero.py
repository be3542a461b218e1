# zeroing a .grad that backward() never made
import torch

torch.manual_seed(0)
w = torch.randn(3).requires_grad_()
w.grad.zero_()
