"""The 1-D ball (engine/descent.py) run by the engine's loop, and the engine's formula parser."""

import numpy as np
import pytest

from playground.engine.descent import Ball, converged
from playground.engine.formula import FormulaError, parse_formula
from playground.engine.loop import run
from playground.engine.optimizers import memory_as_json

PARABOLA = parse_formula("x**2 - 3*x + 4")  # minimum at 1.5, curvature 2: 1/k = 0.5, 2/k = 1


def path(learn_rate, steps=60, **options):
    ball = Ball(PARABOLA, -1.5, learn_rate, **options)
    xs = [ball.x]
    result = run(ball, steps=steps, until=converged, on_step=lambda event: xs.append(event.x))
    return np.array(xs), result, ball


def test_point_nine_bounces_in_and_converges_one_point_one_diverges():
    xs, result, ball = path(0.9, steps=200)
    distances = xs - 1.5
    assert np.all(np.sign(distances[1:6]) == -np.sign(distances[:5]))  # each step lands on the other side
    assert np.all(np.abs(distances[1:20]) < np.abs(distances[:19]))  # and closer
    assert result.ended == "done" and abs(ball.x - 1.5) < 1e-6
    assert result.last.converged and result.last.message.startswith(f"converged after {ball.steps} steps: x = 1.5")
    xs, result, ball = path(1.1, steps=400)
    assert result.ended == "diverged"
    assert result.message.startswith(f"diverged at step {ball.steps}: a parameter became")
    assert np.all(np.abs(xs) <= 1e6) and ball.x == xs[-1]  # the ball is back where it was before that step
    assert np.all(np.abs(np.diff(np.abs(xs - 1.5))) > 0)
    xs, result, _ = path(0.2)  # a small rate creeps in from one side
    assert np.all(xs[:20] < 1.5) and np.all(np.diff(xs[:20]) > 0)


def test_the_step_is_the_engines_optimizer_with_its_velocity_carried_as_json():
    ball = Ball(PARABOLA, -1.5, 0.1, optimizer="momentum", momentum=0.8)
    v, x = 0.0, -1.5
    for step in range(1, 6):
        # a new ball each step, from the stored memory, as a page that keeps it in a store does
        ball = Ball(
            PARABOLA,
            ball.x,
            0.1,
            optimizer="momentum",
            momentum=0.8,
            memory=memory_as_json(ball.memory),
            steps=ball.steps,
        )
        event = run(ball, steps=1).last
        v = 0.8 * v - 0.1 * (2 * x - 3)
        x, before = x + v, x
        assert ball.x == x and ball.memory["velocities"][0][0] == v and event.cost == PARABOLA(before)
        assert ball.where() == f"step {step}"
    finite = Ball(PARABOLA, -1.5, 0.1, slope="finite", h=1e-3)
    run(finite, steps=1)
    assert finite.x == pytest.approx(-1.5 - 0.1 * (-6 + 1e-3), abs=1e-9)


def test_a_step_it_cannot_take_stops_the_run_and_moves_nothing():
    ball = Ball(parse_formula("log(x)"), 0.5, 10.0)  # slope 2: the step lands at −19.5, where log is undefined
    result = run(ball, steps=5)
    assert result.ended == "stopped" and result.steps == 0 and ball.x == 0.5 and ball.steps == 0
    assert result.message == "x = -19.5 is outside where the function is defined: lower the learn rate and reset"
    ball = Ball(parse_formula("sqrt(x)"), -1.0, 0.1)
    result = run(ball, steps=5)
    assert result.ended == "stopped" and result.message.startswith("the slope at x = -1 is not a number")


def test_bad_settings_and_memories_are_refused():
    with pytest.raises(ValueError, match="sgd, momentum"):
        Ball(PARABOLA, 0.0, 0.1, optimizer="adam")
    with pytest.raises(ValueError, match="exact, finite"):
        Ball(PARABOLA, 0.0, 0.1, slope="guess")
    with pytest.raises(ValueError, match="this memory is momentum's, not SGD's"):
        Ball(PARABOLA, 0.0, 0.1, memory={"optimizer": "momentum", "velocities": [[0.5]]})


def test_the_formula_length_limit_is_a_parameter():
    assert parse_formula("x + " * 49 + "x").text.count("x") == 50  # 197 characters: within the default 200
    with pytest.raises(FormulaError, match="201 characters long: at most 200"):
        parse_formula("x" + " " * 200)
    with pytest.raises(FormulaError, match="at most 10"):
        parse_formula("x**2 - 3*x + 4", max_characters=10)
