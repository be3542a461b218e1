# expect: stopped: list_items
s = 'x'
while True:
    s = s + s
