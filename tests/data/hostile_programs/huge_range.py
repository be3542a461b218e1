# expect: stopped: statements
total = 0
for i in range(10**12):
    total += i
