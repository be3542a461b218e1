# expect: refused: torch.hub
m = torch.hub.load("someone/repo", "model")
