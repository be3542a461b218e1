"""Regenerate the README's pictures from the real app: ``python -m gradtui.screenshots DIR``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from gradtui.engine.training.playground import Playground
from gradtui.ui.app import GradApp


async def _sandbox_mid_run(path: Path) -> None:
    app = GradApp(sandbox=Playground(fn="x**2", start="3.", lr=0.1))
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.torch_ready:
            await pilot.pause(0.05)
        view = app.screen.query_one("PlaygroundView")
        for _ in range(8):
            await pilot.press("s")
            await pilot.pause(0.15)
        await pilot.pause(1.0)
        app.save_screenshot(filename=path.name, path=str(path.parent))
        print(f"wrote {path} at step {view.run.stepper.step_index}")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    asyncio.run(_sandbox_mid_run(out / "sandbox.svg"))


if __name__ == "__main__":
    main()
