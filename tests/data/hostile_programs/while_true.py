# expect: stopped: statements
while True:
    pass
