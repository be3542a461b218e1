# expect: stopped: tensor_elements
row = [0.0] * 100000
x = torch.tensor([row] * 100000)
