# expect: stopped: tensor_elements
x = torch.randn(10**5, 10**5)
