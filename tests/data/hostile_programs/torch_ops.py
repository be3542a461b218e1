# expect: refused: torch.ops
f = torch.ops.aten.add
