# expect: stopped: list_items
s = max(range(10**12))
