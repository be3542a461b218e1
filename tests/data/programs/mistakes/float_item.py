import torch

loss = torch.tensor(2.0).item()
print(loss.item())
