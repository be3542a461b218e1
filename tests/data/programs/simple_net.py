# fastbook's simple_net: two linear layers with a ReLU, trained with SGD
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

torch.manual_seed(1)
x = torch.rand(400, 8)
y = ((x[:, 0] - x[:, 1]) ** 2 > 0.1).float().unsqueeze(1)
dset = list(zip(x, y))
dl = DataLoader(dset, batch_size=50, shuffle=True)

simple_net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(simple_net.parameters(), lr=0.5)
for epoch in range(15):
    for xb, yb in dl:
        loss = F.binary_cross_entropy_with_logits(simple_net(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
with torch.no_grad():
    accuracy = ((simple_net(x) > 0).float() == y).float().mean().item()
w1 = simple_net[0].weight


# the same net by hand, as fastbook first writes it
def init_params(size, std=1.0):
    return (torch.randn(size) * std).requires_grad_()


w1h = init_params((8, 16))
b1h = init_params(16)
w2h = init_params((16, 1))
b2h = init_params(1)


def hand_net(xb):
    res = xb @ w1h + b1h
    res = res.max(torch.tensor(0.0))
    res = res @ w2h + b2h
    return res


hand_params = [w1h, b1h, w2h, b2h]
for epoch in range(5):
    for xb, yb in dl:
        loss = F.binary_cross_entropy_with_logits(hand_net(xb), yb)
        loss.backward()
        with torch.no_grad():
            for p in hand_params:
                p -= p.grad * 0.1
                p.grad = None
hand_loss = loss.item()
