losses = [1.0, 0.5]
last = losses[3]
