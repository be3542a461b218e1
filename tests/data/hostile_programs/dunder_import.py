# expect: refused: __import__
__import__('os').system('touch pwned')
