# expect: refused: num_workers
from torch.utils.data import DataLoader

dl = DataLoader([1, 2, 3], num_workers=4)
