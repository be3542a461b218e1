# expect: stopped: list_items
L = [0] * 10**9
