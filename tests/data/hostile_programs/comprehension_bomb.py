# expect: stopped: items_made
L = [[0] * 100000 for i in range(100000)]
