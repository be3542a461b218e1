# expect: refused: breakpoint
breakpoint()
