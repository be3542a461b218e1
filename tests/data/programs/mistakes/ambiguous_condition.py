import torch

preds = torch.tensor([0.2, 0.9])
if preds > 0.5:
    print("yes")
