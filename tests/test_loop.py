"""The one run loop: its rules (done, budget, diverged, stopped, pause), and the steppers that
use it: Trainer (with optimizer memory and train_only), the surface walker and the race."""

import threading
import time

import numpy as np
import pytest

from playground.data.toy import make_dataset
from playground.engine import Network, Trainer, TrainingSettings
from playground.engine.loop import DIVERGENCE_LIMIT, StepEvent, StepRefused, run
from playground.engine.optimizers import make_optimizer, memory_as_json
from playground.engine.race import ObjectiveWalker, Runner, descend
from playground.engine.surfaces import SURFACES, SurfaceWalker


class Doubler:
    """A toy stepper: each step multiplies its one number by ``factor``; its cost is the number
    before the step, unless ``costs`` says otherwise."""

    unit = "doubling"

    def __init__(self, value=1.0, factor=2.0, costs=None):
        self.value = np.array([value])
        self.factor, self.costs, self.count = factor, costs, 0

    def parameters(self):
        return [self.value]

    def step(self):
        cost = float(self.value[0]) if self.costs is None else self.costs[self.count]
        self.value *= self.factor
        self.count += 1
        return StepEvent(cost, end_of_epoch=self.count % 3 == 0)

    def where(self):
        return f"step {self.count}"


def test_steps_and_until_end_a_run_done():
    doubler = Doubler()
    result = run(doubler, steps=5)
    assert (result.ended, result.steps, doubler.value[0], result.last.cost) == ("done", 5, 32.0, 16.0)
    assert result.message == "done after 5 doublings" and result.cpu_seconds >= 0 and result.seconds >= 0
    seen = []
    result = run(Doubler(), until=lambda event: event.end_of_epoch, on_step=seen.append)
    assert result.ended == "done" and result.steps == 3 and [e.cost for e in seen] == [1.0, 2.0, 4.0]
    assert run(Doubler(), steps=0).steps == 0


def test_a_parameter_past_the_limit_diverges_and_the_one_before_is_kept():
    doubler = Doubler(value=3.0, factor=10.0)
    doubler.learn_rate = 0.5
    seen = []
    result = run(doubler, on_step=seen.append)
    assert result.ended == "diverged" and doubler.value[0] == 3e5  # 3e6 would pass 1e6: put back
    assert (
        result.message
        == doubler.diverged
        == (
            "diverged at step 6: a parameter became 3e+06 (limit 1e+06) at "
            "learn rate 0.5; kept the parameters from before that step"
        )
    )
    assert len(seen) == result.steps == 5 and result.last.cost == 3e5  # no on_step for the bad step
    again = run(doubler, steps=3)  # a diverged stepper never steps again
    assert (again.ended, again.steps, again.message, doubler.count) == ("diverged", 0, doubler.diverged, 6)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_cost_or_parameter_that_is_not_finite_diverges(bad):
    result = run(Doubler(costs=[1.0, bad]), steps=5)
    assert result.ended == "diverged" and result.message == f"the cost became {bad} at step 2"
    doubler = Doubler(value=1.0, factor=bad)
    result = run(doubler, steps=5)
    assert result.message.startswith("diverged at step 1: a parameter became not finite;")  # no learn rate known
    assert doubler.value[0] == 1.0 and DIVERGENCE_LIMIT == 1e6


def test_should_stop_is_asked_before_each_step_and_may_block_to_pause():
    asked = []
    result = run(Doubler(), should_stop=lambda: asked.append(1) or len(asked) > 2)
    assert result.ended == "stopped" and result.steps == 2 and result.message == "stopped after 2 doublings"
    # A paused job waits inside should_stop; the CPU budget does not count the wait.
    resume = threading.Event()
    threading.Timer(0.3, resume.set).start()

    def paused() -> bool:
        resume.wait()
        return False

    start = time.perf_counter()
    result = run(Doubler(), steps=3, should_stop=paused, cpu_seconds=0.2)
    assert result.ended == "done" and result.steps == 3 and time.perf_counter() - start >= 0.3


def test_the_cpu_budget_ends_a_run_after_at_least_one_step():
    def spin():
        end = time.thread_time() + 0.02
        while time.thread_time() < end:
            pass
        return False

    doubler = Doubler(factor=1.0)
    result = run(doubler, cpu_seconds=0.05, should_stop=spin)
    assert result.ended == "budget" and 2 <= result.steps <= 4 and result.cpu_seconds > 0.05
    assert result.message == f"stopped after {result.steps} doublings: the request's CPU budget (0.05 s) ran out"
    assert run(Doubler(factor=1.0), cpu_seconds=0.0, steps=10).steps == 1


def test_a_refused_step_stops_the_run_with_its_message():
    class Refuser(Doubler):
        def step(self):
            if self.count == 2:
                raise StepRefused("cannot go on from here")
            return super().step()

    result = run(Refuser(), steps=10)
    assert (result.ended, result.steps, result.message) == ("stopped", 2, "cannot go on from here")


# ------------------------------------------------------------------ Trainer through the loop


def fruit_trainer(**options):
    data = make_dataset("fruit-curved")
    network = Network([2, 3, 2], activation="sigmoid", output_activation="sigmoid", cost="quadratic", seed=0)
    chosen = {
        "learn_rate": 3.0,
        "batch_size": 10,
        "optimizer": options.pop("optimizer", "sgd"),
        **options.pop("settings", {}),
    }
    settings = TrainingSettings(**chosen)
    return Trainer(network, data.train_inputs, data.train_labels, settings, **options)


def test_a_trainer_is_a_stepper_and_says_where_it_is():
    trainer = fruit_trainer()
    result = run(trainer, steps=5)
    assert result.ended == "done" and trainer.where() == "epoch 0.31" and trainer.position == 50
    assert result.message == "done after 5 batches"
    result = run(trainer, until=lambda event: event.end_of_epoch)
    assert result.steps == 11 and trainer.where() == "epoch 1" and result.last.batch == 16
    assert result.last.batch_cost == result.last.cost


def test_a_diverging_trainer_names_the_epoch_as_the_counter_shows_it():
    data = make_dataset("xor")
    network = Network([2, 8, 2], activation="relu", output_activation="linear", cost="quadratic", seed=0)
    trainer = Trainer(network, data.train_inputs, data.train_labels, TrainingSettings(learn_rate=5.0))
    result = trainer.train(5)
    assert result.diverged and result.message.startswith(f"diverged at epoch {trainer.epochs_done()}:")
    assert "at learn rate 5;" in result.message and trainer.train_batch() is None


def test_the_cpu_budget_stops_training_within_a_run():
    trainer = fruit_trainer()
    result = run(trainer, cpu_seconds=0.0)
    assert result.ended == "budget" and result.steps == 1 and "CPU budget (0 s) ran out" in result.message


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_memory_handed_over_as_json_continues_a_run_exactly(optimizer):
    """20 batches, then a new trainer from the stored memory and position for 20 more: the same
    weights as 40 in one go."""
    straight = fruit_trainer(optimizer=optimizer, settings={"learn_rate": 0.3})
    run(straight, steps=40)
    first = fruit_trainer(optimizer=optimizer, settings={"learn_rate": 0.3})
    run(first, steps=20)
    stored = memory_as_json(first.memory)
    second = Trainer(first.network, first.inputs, first.labels, first.settings, memory=stored)
    second.resume_at(first.epoch, first.position)
    run(second, steps=20)
    for a, b in zip(straight.network.parameters(), second.network.parameters()):
        assert a.tobytes() == b.tobytes()


def test_a_memory_that_does_not_fit_is_an_error_never_a_fresh_start():
    first = fruit_trainer(optimizer="adam")
    run(first, steps=3)
    with pytest.raises(ValueError, match="this memory is Adam's, not momentum's"):
        fruit_trainer(optimizer="momentum", memory=first.memory)
    bigger = Network([2, 5, 2], seed=0)
    with pytest.raises(ValueError, match="has shape"):
        Trainer(bigger, first.inputs, first.labels, first.settings, memory=memory_as_json(first.memory))
    assert fruit_trainer(optimizer="adam", memory={}).memory == {}  # {} is a fresh start


def test_train_only_walks_the_chosen_numbers_and_holds_the_rest():
    trainer = fruit_trainer(optimizer="momentum", settings={"learn_rate": 0.5}, train_only=[(0, 1), (3, 0)])
    network = trainer.network
    before = [p.copy() for p in network.parameters()]
    walked = [np.array([network.parameters()[0].flat[1], network.parameters()[3].flat[0]], dtype=np.float64)]
    memory = {}
    optimizer = make_optimizer("momentum", 0.9)
    twin = network.copy()
    for _ in range(4):  # by hand: the batch's gradient, the two numbers stepped as one float64 vector
        batch = trainer.epoch_order(trainer.epoch)[trainer.position : trainer.position + 10]
        inputs, targets = trainer.inputs[batch], trainer.targets[batch]
        gradients = [p.gradient for p in twin.backpropagate(inputs, targets)[0]]
        slope = np.array([gradients[0].flat[1], gradients[3].flat[0]], dtype=np.float64)
        memory = optimizer.step(walked, [slope], trainer.learn_rate, memory)
        twin.parameters()[0].flat[1], twin.parameters()[3].flat[0] = walked[0]
        run(trainer, steps=1)
        for k, (now, then) in enumerate(zip(network.parameters(), before)):
            changed = {(0, 1), (3, 0)} & {(k, i) for i in range(now.size)}
            untouched = np.delete(now.ravel(), [i for _, i in changed])
            assert np.array_equal(untouched, np.delete(then.ravel(), [i for _, i in changed]))
        for a, b in zip(network.parameters(), twin.parameters()):
            assert a.tobytes() == b.tobytes()
    assert trainer.memory["velocities"][0].shape == (2,) and trainer.memory["velocities"][0].dtype == np.float64
    with pytest.raises(ValueError, match="no number 6 in parameter array 0"):
        fruit_trainer(train_only=[(0, 6)])
    with pytest.raises(ValueError, match="each only once"):
        fruit_trainer(train_only=[(0, 1), (0, 1)])


# ------------------------------------------------------------------ walkers and the race


def test_a_surface_walker_steps_as_the_race_does_and_continues_from_its_memory():
    surface = SURFACES["rosenbrock"]
    race = descend(surface.value_and_gradient, surface.start, Runner("adam", 0.05), 30)
    walker = SurfaceWalker(surface, surface.start, "adam", 0.05)
    run(walker, steps=10)
    later = SurfaceWalker(surface, walker.point, "adam", 0.05, memory=memory_as_json(walker.memory), steps=10)
    result = run(later, steps=20)
    assert later.point.tolist() == race.path[-1] and later.where() == "step 30"
    assert result.last.cost == race.costs[-2]  # the cost where the last step started


def test_the_race_keeps_the_path_up_to_a_divergence():
    def objective(point):
        cost = float(np.sum(point**2))
        return (cost if point[0] < 5 else float("nan")), 2 * point * np.array([-1.0, 1.0])

    run_ = descend(objective, [1.0, 1.0], Runner("sgd", 0.5), 10)
    # x grows 1 → 2 → 4 → 8: the cost at 8 is not a number, so the path ends at 4 (step 3 diverged).
    assert [p[0] for p in run_.path] == [1.0, 2.0, 4.0] and run_.diverged_at == 3 and len(run_.costs) == 3
    walker = ObjectiveWalker(objective, [1.0, 1.0], "sgd", 0.5)
    result = run(walker, steps=10)
    assert result.ended == "diverged" and walker.point.tolist() == [8.0, 0.0]
    assert result.message == "the cost became nan at step 4"
