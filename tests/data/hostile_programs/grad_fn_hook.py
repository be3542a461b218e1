# expect: refused: register_hook
x = torch.ones(2, requires_grad=True)
y = (x * 2).sum()
y.grad_fn.register_hook(print)
