def f(x):
    return x**2


y = f(1, 2)
