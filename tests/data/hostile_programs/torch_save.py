# expect: refused: torch.save
x = torch.zeros(3)
torch.save(x, "pwned.pt")
