# expect: stopped: tensor_elements
x = torch.linspace(0, 1, 10**10)
