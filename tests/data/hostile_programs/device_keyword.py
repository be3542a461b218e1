# expect: refused: device
x = torch.zeros(2, device='meta')
