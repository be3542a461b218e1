"""The interpreter runs Python's semantics: small programs give what real Python gives.

Each snippet runs through the engine and through real Python (the test's reference); the
variables, grads, printed lines and any error (type, message, line) must be the same.
"""

from __future__ import annotations

from textwrap import dedent

import pytest
from program_support import reference, same_error

from gradtui.cli.program import result_json
from gradtui.engine.program.run import run_program

SNIPPETS = {
    "arithmetic": dedent(
        """\
        a = 7 // 2
        b = 7 % 3
        c = 2 ** 10
        d = -3 / 4
        e = 1e-5 * 3
        f = (1 + 2) * 3 - 4
        """
    ),
    "bool_logic": dedent(
        """\
        a = 1 and 0
        b = 0 or 5
        c = not 3
        d = 1 < 2 < 3
        e = 1 < 3 < 2
        f = None is None
        g = 3 if a else 4
        """
    ),
    "strings": dedent(
        """\
        s = 'loss: ' + str(0.5)
        print(s, 3, sep='|', end='!\\n')
        print(f'{3.14159:.2f} {7:>4} {0.000123:.2e} {s!r}')
        print('x' * 3)
        """
    ),
    "lists": dedent(
        """\
        L = [1, 2, 3]
        L.append(4)
        L.extend([5, 6])
        L += [7]
        L[0] = 10
        L[1:3] = [0]
        n = len(L)
        last = L[-1]
        part = L[1:4]
        rev = L[::-1]
        print(L, part, rev, 3 in L)
        """
    ),
    "tuples_and_unpacking": dedent(
        """\
        a, (b, c) = 1, (2, 3)
        x = y = 5
        t = (1, 2)
        p, q = t
        print(a, b, c, x, y, p, q)
        """
    ),
    "loops": dedent(
        """\
        total = 0
        for i in range(10):
            if i % 2:
                continue
            if i > 6:
                break
            total += i
        k = 0
        while k < 5:
            k += 2
        for i, (a, b) in enumerate(zip([1, 2], [3, 4]), 1):
            print(i, a, b)
        for j in range(10, 0, -3):
            print(j)
        """
    ),
    "if_chain": dedent(
        """\
        x = 5
        if x < 3:
            k = 'small'
        elif x < 6:
            k = 'middle'
        else:
            k = 'big'
        print(k)
        """
    ),
    "builtins": dedent(
        """\
        a = min(3, 1, 2)
        b = max([4, 9, 2])
        c = sum([1, 2, 3], 10)
        d = round(2.567, 2)
        e = abs(-3)
        f = int(3.9)
        g = float('2.5')
        h = bool(0)
        i = list(range(3))
        j = tuple([1, 2])
        k = round(7.5)
        m = sum(range(5))
        print(a, b, c, d, e, f, g, h, i, j, k, m)
        """
    ),
    "functions": dedent(
        """\
        def f(x, y=2):
            return x * y


        def g(a, b):
            return f(a) + f(b, y=3)


        scale = 10


        def h(x):
            return x * scale


        scale = 20
        r1 = g(1, 2)
        r2 = h(2)
        r3 = f(y=1, x=4)


        def fib(n):
            if n < 2:
                return n
            return fib(n - 1) + fib(n - 2)


        r4 = fib(10)


        def nothing():
            pass


        r5 = nothing()
        print(r5)
        """
    ),
    "comprehensions": dedent(
        """\
        sq = [i * i for i in range(6) if i % 2 == 0]
        pairs = [(a, b) for a, b in zip([1, 2], [3, 4])]
        i = 'outer'
        sq2 = [i for i in range(3)]
        print(i, sq, pairs, sq2)
        """
    ),
    "assert_ok": dedent(
        """\
        x = 3
        assert x == 3, 'x must be 3'
        """
    ),
    "assert_fails": dedent(
        """\
        x = 3
        assert x == 4, 'x must be 4'
        """
    ),
    "tensor_basics": dedent(
        """\
        import torch
        x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
        rows = x.shape[0]
        size = x.size(1)
        t = x.T
        flat = x.view(-1)
        r = x.reshape(4, 1)
        s = x.sum()
        m = x.mean(dim=0)
        mx = x.max()
        vals, idx = x.max(dim=1)
        v2 = x.max(dim=0).values
        am = x.argmax(dim=1)
        u = x.unsqueeze(0)
        sq = u.squeeze()
        c = torch.clamp(x, min=2.0)
        w = torch.where(x > 2, x, torch.zeros_like(x))
        st = torch.stack([x, x])
        ct = torch.cat([x, x], dim=1)
        e = x[0, 1].item()
        lst = x.tolist()
        sl = x[:, 1]
        mask = x[x > 1.5]
        pick = x[torch.tensor([1, 0])]
        print(x, x.dtype, x.shape, len(x))
        """
    ),
    "tensor_making": dedent(
        """\
        import torch
        torch.manual_seed(3)
        a = torch.arange(5)
        b = torch.arange(1, 2, 0.25)
        c = torch.linspace(0, 1, 5)
        d = torch.zeros(2, 3)
        e = torch.ones((2,))
        f = torch.randn(3)
        g = torch.rand(2, 2)
        h = torch.randint(0, 10, (4,))
        i = torch.full((2, 2), 7.0)
        j = torch.tensor(3.5, dtype=torch.float64)
        k = a.float() / 2
        m = torch.randperm(5)
        n = torch.ones_like(c)
        o = torch.tensor([1, 2]).long()
        p = torch.tensor(range(4))
        """
    ),
    "autograd": dedent(
        """\
        import torch
        x = torch.tensor([3.0, 5.0, 12.0]).requires_grad_()
        y = (x**2).sum()
        print(y)
        y.backward()
        g = x.grad.clone()
        print(x.grad, y.grad_fn is not None)
        w = torch.tensor(1.0, requires_grad=True)
        z = torch.sigmoid(w * 2) + torch.relu(w) + w.exp().log()
        z.backward()
        d = w.detach()
        leaf = w.is_leaf
        needs = z.requires_grad
        w.grad = None
        w.requires_grad = False
        k = w * 2
        print(k.requires_grad, w.grad)
        """
    ),
    "no_grad_and_data": dedent(
        """\
        import torch
        p = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (p * p).sum()
        loss.backward()
        with torch.no_grad():
            p -= p.grad * 0.5
            q = p * 2
        print(q.requires_grad, p)
        p.grad.zero_()
        loss = (p * 3).sum()
        loss.backward()
        p.data -= 0.1 * p.grad.data
        p.data = p.data * 2
        p.grad.data.zero_()
        """
    ),
    "nn_and_optim": dedent(
        """\
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        torch.manual_seed(5)
        lin = nn.Linear(3, 2)
        x = torch.randn(4, 3)
        out = lin(x)
        w = lin.weight
        b = lin.bias
        net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid())
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        for i in range(3):
            loss = F.mse_loss(net(x), torch.ones(4, 1))
            loss.backward()
            opt.step()
            opt.zero_grad()
        first = net[0].weight
        r = F.relu(torch.tensor([-1.0, 2.0]))
        p = nn.Parameter(torch.ones(2))
        for q in lin.parameters():
            print(q.shape)
        """
    ),
    "data_loaders": dedent(
        """\
        import torch
        from torch.utils.data import DataLoader, TensorDataset
        torch.manual_seed(8)
        x = torch.randn(10, 2)
        y = torch.arange(10)
        ds = TensorDataset(x, y)
        dl = DataLoader(ds, batch_size=4, shuffle=True)
        for xb, yb in dl:
            print(yb)
        pairs = list(zip(x.tolist(), y.tolist()))
        dl2 = DataLoader(pairs, batch_size=3)
        for xb, yb in dl2:
            print(yb, len(xb))
        dl3 = DataLoader(x, batch_size=6, drop_last=True)
        nb = len(dl3)
        for b in dl3:
            print(b.shape)
        after = torch.randn(2)
        first = ds[0][1]
        n = len(ds)
        """
    ),
    "tensor_errors_on_lines": dedent(
        """\
        import torch
        x = torch.ones(3)
        y = torch.ones(4)
        z = x + y
        """
    ),
    "unpack_too_few": dedent(
        """\
        a, b, c = [1, 2]
        """
    ),
    "not_iterable": dedent(
        """\
        a, b = 5
        """
    ),
    "no_attribute_on_module": dedent(
        """\
        import torch
        x = torch.nn.functional.relu
        y = torch.tensor(1.0).grad.zero_()
        """
    ),
    "bad_keyword_to_def": dedent(
        """\
        def f(x):
            return x


        y = f(z=1)
        """
    ),
    "double_keyword": dedent(
        """\
        def f(x):
            return x


        y = f(1, x=2)
        """
    ),
    "three_missing": dedent(
        """\
        def f(a, b, c):
            return a


        y = f()
        """
    ),
    "str_plus_number": dedent(
        """\
        s = 'a' + 1
        """
    ),
    "int_not_callable": dedent(
        """\
        x = 3
        y = x(2)
        """
    ),
    "sep_must_be_text": dedent(
        """\
        print(1, 2, sep=3)
        """
    ),
    "error_in_comprehension": dedent(
        """\
        L = [1 / (i - 2) for i in range(4)]
        """
    ),
    "break_in_nested": dedent(
        """\
        found = []
        for i in range(3):
            for j in range(3):
                if j == 1:
                    break
                found.append((i, j))
        """
    ),
    "return_from_loop": dedent(
        """\
        def first_big(xs):
            for x in xs:
                if x > 2:
                    return x
            return -1


        a = first_big([1, 5, 3])
        b = first_big([1])
        """
    ),
    "grad_of_non_leaf_is_none": dedent(
        """\
        import torch
        w = torch.ones(2, requires_grad=True)
        h = w * 2
        loss = h.sum()
        loss.backward()
        g = h.grad
        print(g)
        """
    ),
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_python(name):
    text = SNIPPETS[name]
    run, result = run_program(text)
    ours = result_json(run, result)
    theirs = reference(text)
    assert ours["refused"] is None and ours["stopped"] is None, (ours["refused"], ours["stopped"])
    assert same_error(ours["error"], theirs["error"]), (ours["error"], theirs["error"])
    assert ours["variables"] == theirs["variables"]
    assert ours["grads"] == theirs["grads"]
    assert ours["printed"] == theirs["printed"]
