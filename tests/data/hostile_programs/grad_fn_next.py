# expect: refused: next_functions
x = torch.ones(2, requires_grad=True)
y = (x * 2).sum()
n = y.grad_fn.next_functions
