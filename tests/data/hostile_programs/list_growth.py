# expect: stopped: items_made
L = []
while True:
    L.append([0] * 100000)
