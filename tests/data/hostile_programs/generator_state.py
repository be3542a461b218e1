# expect: refused: get_state
g = torch.manual_seed(1)
s = g.get_state()
