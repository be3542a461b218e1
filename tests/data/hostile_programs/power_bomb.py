# expect: stopped: number_bits
n = 9**9**9
