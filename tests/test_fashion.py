"""Fashion-MNIST: the IDX format, finding the files, the baseline and the linear trainer
(against plain torch), the images-mode checks, and ``fit --example pullover-dress``."""

from __future__ import annotations

import gzip
import json
import struct
import subprocess
import sys

import numpy as np
import pytest
import torch
from fashion_support import write_fashion

from gradtui.curriculum.checks import evaluate
from gradtui.curriculum.loader import parse_lesson
from gradtui.curriculum.schema import Check
from gradtui.engine.training.classifier import (
    BatchRecord,
    EpochRecord,
    LinearTrainer,
    TrainEnd,
    mnist_loss,
    pixel_similarity,
)
from gradtui.engine.training.playground import Playground
from gradtui.io import fashion
from gradtui.io.fashion import FILES, DataNotFound, find_data, load_pullover_dress
from gradtui.io.idx import IdxError, encode_idx, parse_idx, read_idx

IMAGES = Playground(mode="images", lr=1.0, epochs=20)


# --- the IDX format ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
def test_idx_round_trip(tmp_path, dtype):
    array = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / "a.gz"
    path.write_bytes(gzip.compress(encode_idx(array)))
    assert np.array_equal(read_idx(path), array)
    (tmp_path / "plain").write_bytes(encode_idx(array))
    assert np.array_equal(read_idx(tmp_path / "plain"), array)


def test_idx_header_is_the_documented_one():
    raw = encode_idx(np.zeros((3, 28, 28), dtype=np.uint8))
    assert raw[:4] == b"\x00\x00\x08\x03"
    assert struct.unpack(">3I", raw[4:16]) == (3, 28, 28)
    assert len(raw) == 16 + 3 * 28 * 28


GOOD = encode_idx(np.ones((2, 28, 28), dtype=np.uint8))
BROKEN = {
    "empty": (b"", "too short for an IDX header"),
    "text": (b"hello, world", "not an IDX file"),
    "bad type": (b"\x00\x00\x07\x01" + GOOD[4:], "not an IDX file"),
    "header cut": (GOOD[:10], "truncated in the header"),
    "data cut": (GOOD[:-5], "truncated: the header promises 1,568 bytes"),
    "extra bytes": (GOOD + b"\x00\x00", "2 bytes more than its header describes"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_idx_says_what_is_wrong(tmp_path, name):
    raw, message = BROKEN[name]
    path = tmp_path / "f.gz"
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(IdxError, match=message) as err:
        read_idx(path)
    assert str(path) in str(err.value)


def test_cut_gzip_and_missing_files(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(GOOD)[:40])
    with pytest.raises(IdxError, match="broken gzip data"):
        read_idx(path)
    with pytest.raises(IdxError, match="cannot read the file"):
        read_idx(tmp_path / "nope.gz")
    with pytest.raises(IdxError, match="too short"):
        parse_idx(b"\x00")


# --- finding and loading -----------------------------------------------------------------------


@pytest.fixture
def no_system_data(monkeypatch):
    monkeypatch.setattr(fashion, "SYSTEM_DIRS", ())
    monkeypatch.delenv("GRADTUI_DATA")


def test_search_order(tmp_path, monkeypatch, no_system_data, fashion_dir):
    with pytest.raises(DataNotFound) as err:
        find_data()
    text = str(err.value)
    assert "apt install dataset-fashion-mnist" in text
    assert "gradtui data fetch fashion-mnist" in text and "GRADTUI_DATA" in text
    assert "user data folder" in text
    system = write_fashion(tmp_path / "system", 2, 2)
    monkeypatch.setattr(fashion, "SYSTEM_DIRS", (system,))
    assert find_data() == system
    fetched = write_fashion(fashion.fetch_dir(), 2, 2)
    assert find_data() == fetched
    monkeypatch.setenv("GRADTUI_DATA", str(tmp_path))  # holds a fashion-mnist subfolder? no
    assert find_data() == fetched
    write_fashion(tmp_path / "fashion-mnist", 2, 2)
    assert find_data() == tmp_path / "fashion-mnist"
    assert find_data(fashion_dir) == fashion_dir


def test_an_explicit_folder_must_hold_the_files(tmp_path, fashion_dir):
    (tmp_path / FILES["train_images"]).write_bytes(b"")
    with pytest.raises(DataNotFound, match="missing: train-labels-idx1-ubyte.gz") as err:
        find_data(tmp_path)
    assert "train-images" not in str(err.value).split("missing:")[1].split("\n")[0]


def test_load_keeps_pullovers_and_dresses(fashion_dir):
    data = load_pullover_dress()
    labels = read_idx(fashion_dir / FILES["train_labels"])
    images = read_idx(fashion_dir / FILES["train_images"])
    keep = (labels == 2) | (labels == 3)
    assert data.train_x.shape == (keep.sum(), 784) and data.side == 28
    assert data.train_x.dtype == np.float32 and data.train_x.max() <= 1.0
    assert np.array_equal(data.train_y, (labels[keep] == 2).astype(np.float32))
    assert np.allclose(data.train_x[0], images[keep][0].reshape(-1) / 255.0)
    assert data.test_x.shape == (200, 784)
    assert load_pullover_dress() is data  # cached


def test_load_refuses_files_that_do_not_match(tmp_path):
    folder = write_fashion(tmp_path / "d", 3, 3)
    labels = np.zeros(5, dtype=np.uint8)
    (folder / FILES["test_labels"]).write_bytes(gzip.compress(encode_idx(labels)))
    with pytest.raises(IdxError, match="does not match 5 labels"):
        load_pullover_dress(folder)


# --- the baseline and the trainer, against plain torch ----------------------------------------


def test_pixel_similarity_matches_plain_torch():
    data = load_pullover_dress()
    x, y = torch.tensor(data.train_x), torch.tensor(data.train_y)
    mean3, mean7 = x[y == 1].mean(0), x[y == 0].mean(0)
    tx, ty = torch.tensor(data.test_x), torch.tensor(data.test_y)

    def dist(a, b):
        return (a - b).abs().mean(-1)

    expected = ((dist(tx, mean3) < dist(tx, mean7)).float() == ty).float().mean().item()
    base = pixel_similarity(data)
    assert base.accuracy == pytest.approx(expected)
    assert np.allclose(base.mean_pullover, mean3.numpy())
    assert base.mean_pullover.shape == (784,)


def test_mnist_loss_is_fastbooks():
    preds, targets = torch.tensor([0.9, 0.4, -1.2]), torch.tensor([1.0, 0.0, 1.0])
    s = preds.sigmoid()
    expected = torch.where(targets == 1, 1 - s, s).mean()
    assert mnist_loss(preds, targets).item() == pytest.approx(expected.item())


def test_one_epoch_matches_a_hand_written_loop():
    data = load_pullover_dress()
    trainer = LinearTrainer(data, lr=1.0, epochs=1, batch_size=64, seed=7)
    records = list(trainer.run())

    gen = torch.Generator().manual_seed(7)
    x, y = torch.tensor(data.train_x), torch.tensor(data.train_y).unsqueeze(1)
    w = torch.randn(784, 1, generator=gen).requires_grad_()
    b = torch.randn(1, generator=gen).requires_grad_()
    order = torch.randperm(len(x), generator=gen)
    losses = []
    for i in range(0, len(x), 64):
        idx = order[i : i + 64]
        preds = (x[idx] @ w + b).sigmoid()
        loss = torch.where(y[idx] == 1, 1 - preds, preds).mean()
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            for p in (w, b):
                p -= p.grad * 1.0
                p.grad.zero_()
    batches = [r for r in records if isinstance(r, BatchRecord)]
    assert [r.loss for r in batches] == pytest.approx(losses)
    assert batches[-1].batch == batches[-1].batches == len(losses)
    assert np.allclose(trainer.weights_image(), w.detach().flatten().numpy())
    tx, ty = torch.tensor(data.test_x), torch.tensor(data.test_y).unsqueeze(1)
    accuracy = (((tx @ w + b).sigmoid() > 0.5).float() == ty).float().mean().item()
    epoch = [r for r in records if isinstance(r, EpochRecord)]
    assert epoch == [EpochRecord(1, pytest.approx(sum(losses) / len(losses)), accuracy)]
    assert records[-1] == TrainEnd("max_steps", "out of epochs: made 1 epochs", 1, accuracy)


def test_lr_one_learns_and_lr_100_diverges():
    data = load_pullover_dress()
    good = LinearTrainer(data, lr=1.0, epochs=10)
    accuracies = [r.accuracy for r in good.run() if isinstance(r, EpochRecord)]
    assert len(accuracies) == 10 and accuracies[-1] > 0.95 and good.ended.reason == "max_steps"
    bad = LinearTrainer(data, lr=100.0, epochs=10)
    list(bad.run())
    assert bad.ended.reason == "diverged" and bad.ended.epochs == 2
    assert "no lower than the first batch's" in bad.ended.message
    # what lesson 10 says happens: the scores saturate the sigmoid, not the steps overshoot
    assert bad.saturated() > 0.99
    assert "the sigmoid is flat for 100% of the test images" in bad.ended.message
    assert "overshoot" not in bad.ended.message


def test_a_nan_loss_stops_as_diverged():
    data = load_pullover_dress()
    trainer = LinearTrainer(data, lr=1.0, epochs=3)
    with torch.no_grad():
        trainer.weights[0] = float("nan")
    records = list(trainer.run())
    assert records[-1].reason == "diverged" and "nan" in records[-1].message


def test_the_trainer_leaves_torch_threads_as_they_were():
    before = torch.get_num_threads()
    list(LinearTrainer(load_pullover_dress(), epochs=1).run())
    assert torch.get_num_threads() == before


# --- checks and lesson rules in images mode --------------------------------------------------


def test_accuracy_at_least():
    c = Check("accuracy_at_least", {"accuracy": 0.95, "epochs": 20})
    result = evaluate(c, IMAGES)
    assert result.passed and "after epoch" in result.detail
    result = evaluate(c, IMAGES.with_(lr=0.01))
    assert not result.passed and "best test accuracy 0.8" in result.detail
    assert not evaluate(c, IMAGES.with_(epochs=1, lr=0.1)).passed  # the learner's epochs count
    result = evaluate(c, Playground())
    assert not result.passed and "needs mode 'images'" in result.detail


def test_diverges_counts_epochs_in_images_mode():
    c = Check("diverges", {"within": 5})
    assert evaluate(c, IMAGES.with_(lr=100.0)).passed
    result = evaluate(c, IMAGES)
    assert not result.passed and "no divergence within 5 epochs" in result.detail
    assert not evaluate(c, IMAGES.with_(lr=100.0, epochs=1)).passed


@pytest.mark.parametrize("lr", [float("nan"), float("inf"), 1e11, "fast"])
def test_images_checks_refuse_bad_learning_rates(lr):
    for c in (
        Check("accuracy_at_least", {"accuracy": 0.5, "epochs": 2}),
        Check("diverges", {"within": 2}),
    ):
        result = evaluate(c, IMAGES.with_(lr=lr))
        assert not result.passed and result.detail


def test_lr_0_is_allowed_as_everywhere_and_the_weights_stay_where_they_started():
    from gradtui.engine.training.classifier import LinearTrainer
    from gradtui.io.fashion import load_pullover_dress

    trainer = LinearTrainer(load_pullover_dress(), lr=0.0, epochs=1)
    list(trainer.run())
    assert torch.equal(trainer.weights.detach(), trainer.initial)


def test_images_checks_without_data_say_how_to_get_it(no_system_data):
    result = evaluate(Check("accuracy_at_least", {"accuracy": 0.5, "epochs": 2}), IMAGES)
    assert not result.passed and "apt install dataset-fashion-mnist" in result.detail


LESSON = """+++
id = "img"
title = "Images"
order = 1

[[tasks]]
goal = "Reach 0.95."
editable = ["lr", "epochs"]
hints = ["Try 1."]

[tasks.setup]
mode = "{mode}"
lr = 0.01
epochs = {epochs}

[tasks.solution]
lr = 1.0

[tasks.check]
kind = "{kind}"
{params}
+++

# Images
"""


def lesson_problems(**values) -> list[str]:
    fields = {"mode": "images", "epochs": 20, "kind": "accuracy_at_least"}
    fields["params"] = "accuracy = 0.95\nepochs = 20"
    fields.update(values)
    _, problems = parse_lesson(LESSON.format(**fields), "l.md")
    return [str(p) for p in problems]


def test_images_lessons_are_validated():
    assert lesson_problems() == []
    assert lesson_problems(mode="descend") == [
        "l.md:20: task 1: accuracy_at_least checks mode images, not descend"
    ]
    assert lesson_problems(kind="loss_below_within_steps", params="loss = 1.0\nsteps = 5") == [
        "l.md:20: task 1: loss_below_within_steps checks mode descend or fit, not images"
    ]
    assert lesson_problems(epochs=0) == [
        "l.md:14: 'epochs' must be a whole number from 1 to 100, not 0"
    ]
    assert lesson_problems(params="accuracy = 1.5\nepochs = 20") == [
        "l.md:21: 'accuracy' must be between 0 and 1"
    ]


# --- the command line --------------------------------------------------------------------------


def gradtui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gradtui", *args], capture_output=True, text=True, timeout=120
    )


def test_fit_pullover_dress_prints_each_epoch(fashion_dir):
    out = gradtui("fit", "--example", "pullover-dress", "--epochs", "3")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"data: {fashion_dir}"
    assert "pixel similarity" in lines[1] and "test accuracy 1.0000" in lines[1]
    assert "lr 1, batches of 256, 3 epochs, 600 training and 200 test images" in lines[2]
    assert [line.split()[0] for line in lines[4:7]] == ["1", "2", "3"]
    assert lines[-1] == "stop: out of epochs: made 3 epochs"


def test_fit_pullover_dress_json_matches_the_engine(tmp_path):
    folder = write_fashion(tmp_path / "mine", 50, 20)
    out = gradtui(
        "fit", "--example", "pullover-dress", "--data", str(folder), "--epochs", "2", "--json"
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    trainer = LinearTrainer(load_pullover_dress(folder), lr=1.0, epochs=2)
    expected = [r for r in trainer.run() if isinstance(r, EpochRecord)]
    assert [e["accuracy"] for e in result["epochs"]] == pytest.approx(
        [r.accuracy for r in expected]
    )
    assert result["data"] == str(folder) and result["train_images"] == 100
    assert result["stop"] == "max_steps" and result["final"]["epochs"] == 2


def test_fit_pullover_dress_diverges_with_lr_100():
    out = gradtui("fit", "--example", "pullover-dress", "--lr", "100", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["stop"] == "diverged"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "/nonexistent"], "/nonexistent does not hold the Fashion-MNIST files"),
        (["--steps", "5"], "--steps is for the roller-coaster example"),
        (["--epochs", "0"], "argument --epochs: must be a whole number from 1 to 100, not 0"),
    ],
)
def test_fit_pullover_dress_bad_input_exits_2(args, message):
    out = gradtui("fit", "--example", "pullover-dress", *args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_broken_data_exits_2_naming_the_file(tmp_path):
    folder = write_fashion(tmp_path / "d", 3, 3)
    path = folder / FILES["train_images"]
    path.write_bytes(path.read_bytes()[:50])
    out = gradtui("fit", "--example", "pullover-dress", "--data", str(folder))
    assert out.returncode == 2 and str(path) in out.stderr and "Traceback" not in out.stderr


def test_epochs_is_only_for_pullover_dress():
    out = gradtui("fit", "--epochs", "3")
    assert out.returncode == 2 and "--epochs is for --example pullover-dress" in out.stderr


def test_a_folder_name_with_an_escape_is_printed_without_it(tmp_path):
    """The folder comes from the command line or GRADTUI_DATA: its name reaches the terminal."""
    folder = write_fashion(tmp_path / "title\x1b]0;owned\x07", 3, 3)
    out = gradtui("fit", "--example", "pullover-dress", "--data", str(folder), "--epochs", "1")
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    assert out.stdout.splitlines()[0].startswith("data: ") and "owned" in out.stdout
