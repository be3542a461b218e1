# expect: stopped: list_items
s = sum(range(10**12))
