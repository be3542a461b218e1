model = None
preds = model(3)
