# expect: refused: torch.nn.functional.torch
t = torch.nn.functional.torch
