# expect: refused: torch.nn.functional.torch
import torch.nn.functional as F

t = F.torch.save
