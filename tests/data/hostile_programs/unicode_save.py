# expect: refused: ASCII
torch.ｓave(torch.zeros(1), "pwned.pt")
