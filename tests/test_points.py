"""2-D points from a CSV file or by name (playground.data.points, points_csv.read_points_csv):
the task read from the label column, the split, and a test file's classes matched by name."""

import numpy as np
import pytest

from playground.data.points import load_points, split_points
from playground.data.points_csv import PointsCSVError, parse_points_csv, read_points_csv


@pytest.mark.parametrize(
    "labels, task",
    [
        (["0", "1", "2"], "classification"),
        (["cat", "dog", "cat"], "classification"),
        (["0", "1.5", "-2"], "regression"),
    ],
)
def test_the_task_follows_the_label_column(labels, task):
    content = "x1,x2,label\n" + "".join(f"{k},{k},{label}\n" for k, label in enumerate(labels))
    table = read_points_csv(content)
    assert table.task == task and table.inputs.shape == (3, 2)
    if task == "regression":
        assert table.labels.dtype == np.float32 and table.labels.tolist() == [0.0, 1.5, -2.0]
        assert table.class_names == []
    else:
        assert table.labels.dtype == np.int64


def test_a_chosen_task_overrides_and_the_page_reader_is_unchanged():
    content = "1,2,3\n4,5,7\n"
    assert read_points_csv(content, "regression").labels.tolist() == [3.0, 7.0]
    inputs, labels, names = parse_points_csv(content)
    assert labels.tolist() == [3, 7] and names == [str(k) for k in range(8)]
    with pytest.raises(PointsCSVError, match="'cat' is not a number"):
        read_points_csv("1,2,cat\n", "regression")


def test_a_test_file_numbers_its_classes_as_the_training_file(tmp_path):
    (tmp_path / "train.csv").write_text("0,0,cat\n1,1,dog\n2,2,cat\n")
    (tmp_path / "test.csv").write_text("5,5,dog\n6,6,cat\n")
    points = load_points(str(tmp_path / "train.csv"), test_source=str(tmp_path / "test.csv"))
    assert points.class_names == ["cat", "dog"] and points.test_labels.tolist() == [1, 0]
    (tmp_path / "other.csv").write_text("5,5,bird\n")
    with pytest.raises(PointsCSVError, match="class 'bird' is not in the training file"):
        load_points(str(tmp_path / "train.csv"), test_source=str(tmp_path / "other.csv"))


def test_the_split_is_seeded_and_tensorflow_playgrounds_half():
    train, test = split_points(10, 0.5, 3)
    assert len(train) == len(test) == 5 and sorted([*train, *test]) == list(range(10))
    np.testing.assert_array_equal(split_points(10, 0.5, 3)[0], train)
    points = load_points("tf-gauss", samples=40, noise=0.1, seed=2)
    assert points.task == "classification" and len(points.train_labels) == len(points.test_labels) == 20
    assert points.n_outputs == 2 and load_points("gaussians", samples=10).n_outputs == 1
    with pytest.raises(ValueError, match="a file has its own points"):
        load_points("some.csv", samples=10)
