"""The helpers behind start-up and Run-mode speed: thinning plot series, loading torch."""

from __future__ import annotations

import gc
import math
import subprocess
import sys

import pytest

from gradtui.engine.present.plotdata import thin_series
from gradtui.torch_loading import import_torch, preload_libraries, torch_libraries


def test_short_series_are_kept_whole():
    xs, ys = [1, 2, 3], [3.0, 1.0, 2.0]
    assert thin_series(xs, ys, 10) == (xs, ys)


def test_thinning_keeps_extremes_order_and_ends():
    xs = list(range(10_000))
    ys = [math.exp(-i / 2000) for i in xs]
    ys[4321] = 50.0  # a spike must survive
    ys[7777] = -3.0  # and so must a dip
    tx, ty = thin_series(xs, ys, 60)
    assert len(tx) <= 2 * 60 + 1
    assert tx == sorted(tx)
    assert (tx[0], ty[0]) == (0, 1.0)
    assert (tx[-1], ty[-1]) == (9999, ys[-1])
    assert max(ty) == 50.0 and tx[ty.index(50.0)] == 4321
    assert min(ty) == -3.0 and tx[ty.index(-3.0)] == 7777
    assert all(ys[x] == y for x, y in zip(tx, ty, strict=True))


@pytest.mark.parametrize("buckets", [1, 7, 999])
def test_every_bucket_count_gives_points_from_the_series(buckets):
    xs = list(range(2001))
    ys = [float((i * 37) % 101) for i in xs]
    tx, ty = thin_series(xs, ys, buckets)
    assert len(tx) <= 2 * buckets + 1
    assert all(ys[x] == y for x, y in zip(tx, ty, strict=True))


def test_torchs_libraries_are_found_without_importing_torch():
    code = (
        "import sys; from gradtui.torch_loading import torch_libraries; "
        "paths = torch_libraries(); print(len(paths), all(p.is_file() for p in paths), "
        "'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = "0 True False" if sys.platform == "win32" else "2 True False"
    assert out.stdout.split() == expected.split()


def test_import_torch_after_the_preload_gives_a_working_torch():
    code = (
        "from gradtui.torch_loading import import_torch, preload_libraries; "
        "print(preload_libraries()); torch = import_torch(); "
        "x = torch.tensor(3.).requires_grad_(); (x**2).backward(); print(x.grad.item())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    preloaded, grad = out.stdout.split()
    assert preloaded == str(bool(torch_libraries()))
    assert float(grad) == 6.0


def test_import_torch_twice_is_the_same_module_and_keeps_the_collector_on():
    import torch

    assert import_torch() is torch
    assert gc.isenabled()
    assert isinstance(preload_libraries(), bool)
