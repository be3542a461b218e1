# expect: refused: not in gradtui's subset
x = torch.ones(2, requires_grad=True)
y = (x * 2).sum()
g = y.grad_fn
z = g(torch.ones(()))
