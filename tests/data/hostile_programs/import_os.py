# expect: refused: 'import os'
import os

os.system("touch pwned")
