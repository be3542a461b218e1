# expect: stopped: tensor_elements
x = torch.arange(10**11)
