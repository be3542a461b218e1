# expect: refused: torch.from_file
x = torch.from_file("pwned.bin", True, 10)
