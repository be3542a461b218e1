# expect: refused: .to
x = torch.zeros(2).to("meta")
