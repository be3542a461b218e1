# expect: refused: class
class A:
    pass
