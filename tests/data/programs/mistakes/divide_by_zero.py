count = 0
mean = 10 / count
