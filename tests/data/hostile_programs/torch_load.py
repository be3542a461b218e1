# expect: refused: torch.load
x = torch.load("model.pt")
