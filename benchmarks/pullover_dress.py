"""Timings of the Fashion-MNIST capstone, run by hand (needs the real data):

    .venv/bin/python benchmarks/pullover_dress.py [--data DIR]

Prints the load time, the baseline, the 20-epoch training time on one thread and on torch's
default threads, and the app's own run: accuracy per epoch, wall time, and the longest pause
of the event loop while the model trains.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time


def train_seconds(data, threads: int | None, repeats: int = 3) -> float:
    import torch

    from gradtui.engine.training import classifier

    times = []
    for _ in range(repeats):
        trainer = classifier.LinearTrainer(data)
        start = time.perf_counter()
        if threads is None:
            list(trainer._epochs())  # torch's default thread count
        else:
            torch.set_num_threads(threads)
            list(trainer.run())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def app_run(data_dir: str | None) -> None:
    import os

    from gradtui.curriculum.progress import ProgressStore
    from gradtui.ui.app import GradApp
    from gradtui.ui.widgets.images_view import ImagesView

    if data_dir:
        os.environ["GRADTUI_DATA"] = data_dir
    store = ProgressStore(os.path.join(os.environ.get("TMPDIR", "/tmp"), "bench-progress.json"))
    store.reset_all()
    app = GradApp(lesson="10", store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.torch_ready:
            await pilot.pause(0.05)
        view = app.screen.query_one(ImagesView)
        while not view.settled:
            await pilot.pause(0.05)
        view.set_playground(view.playground.with_(lr=1.0))
        gaps: list[float] = []
        last = time.perf_counter()

        def tick() -> None:
            nonlocal last
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

        timer = app.set_interval(0.01, tick)
        await pilot.pause(3.0)  # idle first: what this machine's load alone costs
        idle, gaps[:] = list(gaps), []
        start = time.perf_counter()
        await pilot.press("space")
        while view.ended is None:
            await pilot.pause(0.02)
        wall = time.perf_counter() - start
        timer.stop()
        report("idle", idle)
        report("training", gaps)
        print("app run, lr 1: accuracy per epoch", [round(a, 4) for a in view.accuracies])
        print(f"app run: {wall:.2f} s wall")


def report(what: str, gaps: list[float]) -> None:
    gaps = sorted(gaps)
    p50, p95 = gaps[len(gaps) // 2], gaps[int(len(gaps) * 0.95)]
    slow = sum(g > 0.1 for g in gaps)
    print(
        f"event loop {what} (10 ms timer): median {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms,"
        f" max {gaps[-1] * 1000:.0f} ms, {slow} of {len(gaps)} ticks over 100 ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    args = parser.parse_args()
    import torch

    from gradtui.engine.training.classifier import pixel_similarity
    from gradtui.io.fashion import load_pullover_dress

    default_threads = torch.get_num_threads()
    start = time.perf_counter()
    data = load_pullover_dress(args.data)
    print(f"load: {time.perf_counter() - start:.2f} s from {data.folder}")
    print(f"pixel similarity: {pixel_similarity(data).accuracy:.4f}")
    print(f"20 epochs, 1 thread: {train_seconds(data, 1):.2f} s (median of 3)")
    torch.set_num_threads(default_threads)
    print(f"20 epochs, {default_threads} threads: {train_seconds(data, None):.2f} s (median of 3)")
    asyncio.run(app_run(args.data))


if __name__ == "__main__":
    main()
