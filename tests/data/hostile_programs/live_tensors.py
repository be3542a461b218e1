# expect: stopped: live_elements
t = torch.zeros(4000000)
kept = []
for i in range(100):
    kept.append(t * 2)
