# expect: stopped: tensor_elements
x = torch.zeros(1).expand(10**6, 10**6)
