# expect: stopped: call_depth
def f(n):
    return f(n) + 1


print(f(0))
