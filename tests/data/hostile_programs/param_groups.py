# expect: refused: param_groups
p = torch.zeros(2, requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1)
opt.param_groups[0]["lr"] = 1
