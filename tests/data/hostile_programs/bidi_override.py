# expect: refused: RIGHT-TO-LEFT OVERRIDE
x = "‮)txet("
