# expect: stopped: list_items
s = "x" * 10**10
