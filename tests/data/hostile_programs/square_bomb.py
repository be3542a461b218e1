# expect: stopped: number_bits
n = 3
while True:
    n = n * n
