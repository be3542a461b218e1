# expect: stopped: list_items
L = list(range(10**12))
