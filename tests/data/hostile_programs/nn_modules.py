# expect: refused: torch.nn.modules
m = torch.nn.modules
