# expect: refused: async
async def f():
    return 1
