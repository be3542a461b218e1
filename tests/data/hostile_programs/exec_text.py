# expect: refused: 'exec'
exec('import os')
