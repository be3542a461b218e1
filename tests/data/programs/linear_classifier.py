# A tiny linear classifier on synthetic data, fastbook's mnist_loss and mini-batches
import torch
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
x = torch.randn(600, 20)
true_w = torch.randn(20, 1)
y = (x @ true_w > 0).float()
train_x, train_y = x[:500], y[:500]
valid_x, valid_y = x[500:], y[500:]
dl = DataLoader(TensorDataset(train_x, train_y), batch_size=64, shuffle=True)
valid_dl = DataLoader(TensorDataset(valid_x, valid_y), batch_size=64)


def init_params(size, std=1.0):
    return (torch.randn(size) * std).requires_grad_()


weights = init_params((20, 1))
bias = init_params(1)


def linear1(xb):
    return xb @ weights + bias


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def calc_grad(xb, yb, model):
    preds = model(xb)
    loss = mnist_loss(preds, yb)
    loss.backward()


def train_epoch(model, lr, params):
    for xb, yb in dl:
        calc_grad(xb, yb, model)
        for p in params:
            p.data -= p.grad * lr
            p.grad.zero_()


def batch_accuracy(xb, yb):
    preds = xb.sigmoid()
    correct = (preds > 0.5) == yb
    return correct.float().mean()


def validate_epoch(model):
    accs = [batch_accuracy(model(xb), yb) for xb, yb in valid_dl]
    return round(torch.stack(accs).mean().item(), 4)


lr = 1.0
params = weights, bias
for i in range(20):
    train_epoch(linear1, lr, params)
    print(validate_epoch(linear1), end=" ")
print()
accuracy = validate_epoch(linear1)
