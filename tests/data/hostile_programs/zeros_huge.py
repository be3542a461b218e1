# expect: stopped: tensor_elements
x = torch.zeros(10**10)
