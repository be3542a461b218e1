# expect: refused: torch.empty
x = torch.empty(10)
