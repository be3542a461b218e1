# expect: stopped: printed
for i in range(10**7):
    print("x" * 1000)
