"""The thinned run records behind the loss plot and the command line's table."""

import subprocess
import sys

from gradtui.engine.training.history import LossHistory, Thinned


def test_thinned_stays_bounded_and_evenly_spaced():
    kept: Thinned[int] = Thinned(max_items=100)
    for i in range(100_000):
        kept.add(i)
    assert 50 <= len(kept) < 100
    assert kept.items[0] == 0
    gaps = {b - a for a, b in zip(kept.items, kept.items[1:], strict=False)}
    assert len(gaps) == 1  # one stride over the whole run, not denser at the end
    assert kept.items[-1] > 99_000 - 2 * gaps.pop()


def test_thinned_keeps_everything_below_its_limit():
    kept: Thinned[int] = Thinned(max_items=100)
    for i in range(99):
        kept.add(i)
    assert kept.items == list(range(99))


def test_loss_history_pairs_steps_with_losses_and_resets():
    history = LossHistory(max_points=10)
    for step in range(25):
        history.add(step, float(step) ** 2)
        history.trail.append(float(step))
        assert history.steps[-1] == step and history.losses[-1] == step**2  # the latest is in
    assert len(history.steps) == len(history.losses) == len(history) <= 10
    assert all(loss == step**2 for step, loss in zip(history.steps, history.losses, strict=True))
    assert list(history.trail)[-1] == 24.0
    history.clear()
    assert len(history) == 0 and not history.trail


def test_a_long_cli_run_prints_rows_from_the_whole_run():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gradtui",
            "descend",
            "x**2",
            "--from",
            "3",
            "--lr",
            "1e-4",
            "--steps",
            "20000",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    steps = [int(line.split()[0]) for line in out.splitlines()[1:] if line[:6].strip().isdigit()]
    assert steps[0] == 0 and steps[-1] > 19_000
    assert steps[len(steps) // 2] > 5_000  # sampled across the run, not bunched at the end


def test_a_closed_pipe_ends_the_cli_quietly():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gradtui",
            "descend",
            "x**2",
            "--from",
            "3",
            "--steps",
            "5000",
            "--lr",
            "1e-4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err
