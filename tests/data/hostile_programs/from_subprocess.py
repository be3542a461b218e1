# expect: refused: subprocess
from subprocess import run
run(['touch', 'pwned'])
