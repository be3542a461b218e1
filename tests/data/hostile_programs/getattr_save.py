# expect: refused: 'getattr'
getattr(torch, "save")(torch.zeros(1), "pwned.pt")
