"""The test accuracies the code lessons' reference solutions reach on the real data, run by
hand (needs the Fashion-MNIST files, found as lesson 10 finds them):

    .venv/bin/python benchmarks/lesson_accuracies.py

Each task whose program is given the pullover-vs-dress data runs its reference solution
through gradtui's subset (the path the lesson's check takes), one torch thread, and prints
the accuracy after each epoch (the program's own prints), the final ``accuracy``, the
lesson's goal and the wall time.
"""

from __future__ import annotations

import time

from _table import table, verdict


def main() -> None:
    import torch

    from gradtui.curriculum.loader import load_lessons, shipped_lessons_dir
    from gradtui.curriculum.program_check import budgets, numbers_of
    from gradtui.curriculum.schema import CODE
    from gradtui.engine.program import Run, compile_program
    from gradtui.engine.program.inputs import input_names, make_inputs

    torch.set_num_threads(1)
    rows = []
    for lesson in load_lessons([shipped_lessons_dir()])[0]:
        for i, task in enumerate(lesson.tasks, 1):
            params = task.check.params
            if not task.is_code or params.get("inputs") != "pullover-dress":
                continue
            inputs = params["inputs"]
            program = compile_program(task.solution[CODE], input_names(inputs))
            run = Run(program, make_inputs(inputs), budgets())
            start = time.perf_counter()
            result = run.run()
            seconds = time.perf_counter() - start
            accuracy = numbers_of(run.globals.get("accuracy"))
            print(f"lesson {lesson.order} task {i}: {result.status}, {seconds:.1f} s")
            for line in result.printed:
                print(f"  {line}")
            goal = params.get("at_least", float("nan"))
            ok = isinstance(accuracy, float) and accuracy >= goal
            rows.append(
                (
                    f"lesson {lesson.order} ({lesson.id}), reference solution",
                    f"{accuracy:.4f}" if isinstance(accuracy, float) else str(accuracy),
                    f">= {goal:g}",
                    verdict(ok),
                )
            )
    print(table("Test accuracy of the code lessons' reference solutions", rows, 1))


if __name__ == "__main__":
    main()
