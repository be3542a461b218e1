# expect: refused: torch.Tensor
d = torch.Tensor.__dict__
