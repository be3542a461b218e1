# expect: refused: 'globals'
globals()["torch"]
