"""A small valid lesson file that tests change one piece of at a time."""

TINY_LESSON = """+++
id = "tiny"
title = "Tiny"
order = 1

[[tasks]]
goal = "Find the x where the gradient of x**2 is 2."
editable = ["start"]
hints = ["Twice x."]

[tasks.setup]
fn = "x**2"
start = "3."

[tasks.solution]
start = "1."

[tasks.check]
kind = "grad_equals"
value = 2.0
+++

# Tiny
"""
