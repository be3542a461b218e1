# expect: stopped: tensor_elements
x = torch.tensor(range(10**12))
