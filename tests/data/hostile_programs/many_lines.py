# expect: stopped: printed_lines
for i in range(10**7):
    print(i)
