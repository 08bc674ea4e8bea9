"""The 1-D gradient-descent page's pure parts: the formula parser, its derivatives, the steps, the figures."""

import numpy as np
import pytest

from playground.app.pages.descent.figures import (
    AWAY,
    BALL,
    CURVE,
    PATH,
    TANGENT,
    away_mark,
    descent_figure,
    moved_ball,
    steps_figure,
)
from playground.app.pages.descent.logic import advance, new_descent, readouts, regime
from playground.engine.formula import FormulaError, check_values, parse_formula

pytestmark = pytest.mark.timeout(60)  # nothing here may hang the run

SAFE = [
    "x**2 - 3*x + 4",
    "x^4 - 4*x^2 + x",
    "sin(x)*exp(-x/3)",
    "sqrt(abs(x)) + log(1 + x**2)",
    "tanh(2*x) - cos(x)/2",
    "-x**2",
    "2**-x",
    "x**x",
    "(x - 1)*(x + 2)/(1 + x**2)",
    "tan(x/4) + pi*e",
]


@pytest.mark.parametrize("text", SAFE)
def test_exact_derivatives_match_finite_differences(text):
    formula = parse_formula(text)
    x = np.array([0.3, 0.9, 1.7, 2.4])
    value, slope, curvature = formula.derivatives(x)
    h = 1e-5
    np.testing.assert_allclose(slope, (formula(x + h) - formula(x - h)) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(curvature, (formula(x + h) - 2 * value + formula(x - h)) / h**2, rtol=1e-4, atol=1e-4)


def test_the_parser_reads_the_usual_precedence():
    f = parse_formula("2**3**2 - -x**2 + 6/3*2")
    assert float(f(3.0)) == pytest.approx(2**9 + 9 + 4)
    assert float(parse_formula("x^2")(4.0)) == 16.0


@pytest.mark.parametrize(
    "text,message",
    [
        ("__import__('os')", "is not allowed"),
        ("x.__class__", "'.' is not allowed"),
        ("os.system('ls')", "is not allowed"),
        ("y + 1", "'y' is not allowed: the variable is x"),
        ("exp", "needs its argument in parentheses"),
        ("3x", r"a \* may be missing"),
        ("x +", "ends too early"),
        ("(" * 40 + "x" + ")" * 40, "nested too deeply"),
        ("-" * 100 + "x", "nested too deeply"),
        ("x**99999", "exponent 99999 is too large"),
        ("1e400", "too large"),
        ("x" * 201, "at most 200"),
        ("", "type a formula"),
        ("lambda: 1", "is not allowed"),
    ],
)
def test_anything_outside_the_whitelist_gets_a_message(text, message):
    with pytest.raises(FormulaError, match=message):
        parse_formula(text)


def test_values_that_overflow_or_are_nowhere_defined_are_refused():
    xs = np.linspace(-2, 5, 101)
    with pytest.raises(FormulaError, match="overflows"):
        check_values(parse_formula("9**9**9 * x"), xs)
    with pytest.raises(FormulaError, match="overflows"):
        check_values(parse_formula("exp(x**4)"), xs)
    with pytest.raises(FormulaError, match="not defined anywhere"):
        check_values(parse_formula("sqrt(-1 - x**2)"), xs)
    values = check_values(parse_formula("log(x)"), xs)  # undefined for x ≤ 0: gaps, not an error
    assert np.isnan(values[0]) and np.isfinite(values[-1])


def test_the_regime_follows_the_curvature():
    # x² − 3x + 4: k = 2 everywhere, so 1/k = 0.5 and 2/k = 1.
    assert regime(0.01, 2.0)[0] == "crawl"
    assert regime(0.3, 2.0)[0] == "creep"
    assert regime(0.9, 2.0)[0] == "bounce"
    assert regime(1.1, 2.0)[0] == "diverge"
    assert regime(0.1, -1.0)[0] == "downhill"


def run(learn_rate, steps=60, **options):
    """The page's ball on x² − 3x + 4 from −1.5, one step a request as the page steps it."""
    state, xs, message = new_descent("quadratic", {"learn_rate": learn_rate, **options}), [-1.5], None
    for _ in range(steps):
        state, ends = advance(state, 1)
        xs.append(state["ball"]["x"])
        if ends:
            message = state["message"]
            break
    return np.array(xs), message


def test_point_nine_bounces_in_and_converges_one_point_one_diverges():
    xs, message = run(0.9, steps=200)
    distances = xs - 1.5
    assert np.all(np.sign(distances[1:6]) == -np.sign(distances[:5]))  # each step lands on the other side
    assert np.all(np.abs(distances[1:20]) < np.abs(distances[:19]))  # and closer
    assert abs(xs[-1] - 1.5) < 1e-6 and message.startswith("converged")
    xs, message = run(1.1, steps=400)
    assert "diverged" in message and np.all(np.abs(xs) <= 1e6)
    assert np.all(np.abs(np.diff(np.abs(xs[:-1] - 1.5))) > 0)
    # A small rate creeps in from one side.
    xs, _ = run(0.2)
    assert np.all(xs[:20] < 1.5) and np.all(np.diff(xs[:20]) > 0)


def test_the_step_is_the_engines_optimizer_with_its_velocity_carried():
    state = new_descent("quadratic", {"learn_rate": 0.1, "momentum_on": True, "momentum": 0.8})
    v, x = 0.0, -1.5
    for _ in range(5):
        state, _ = advance(state, 1)  # the velocity is carried in the page's store, from step to step
        v = 0.8 * v - 0.1 * (2 * x - 3)
        x = x + v
        memory = state["ball"]["memory"]
        assert state["ball"]["x"] == pytest.approx(x) and memory["optimizer"] == "momentum"
        assert np.ravel(memory["velocities"])[0] == pytest.approx(v)
    five, _ = advance(new_descent("quadratic", {"learn_rate": 0.1, "momentum_on": True, "momentum": 0.8}), 5)
    assert five["ball"] == state["ball"] and five["path"] == state["path"]  # five at once: the same steps
    finite, _ = advance(new_descent("quadratic", {"learn_rate": 0.1, "slope": "finite", "h": 1e-3}), 1)
    assert finite["ball"]["x"] == pytest.approx(-1.5 - 0.1 * (-6 + 1e-3), abs=1e-9)


def test_the_page_store_steps_and_reads_out():
    state = new_descent("quadratic")
    assert state["ball"]["x"] == -1.5 and state["path"] == [[-1.5, 10.75]]
    state, stop = advance({**state, "learn_rate": 0.25})
    assert not stop and state["ball"]["x"] == pytest.approx(-1.5 - 0.25 * -6)
    values = readouts(state)
    assert values["steps"] == 1 and values["curvature"] == pytest.approx(2)
    assert values["slope"] == pytest.approx(2 * values["x"] - 3)
    assert values["finite_slope"] == pytest.approx(values["slope"] + 1e-3, abs=1e-9)
    two = new_descent("two-minima")
    assert two["x_range"] == [-2.5, 2.5] and two["formula"] == "x**4 - 4*x**2 + x"


def test_the_descent_figure_draws_the_curve_the_path_the_tangent_and_the_ball():
    formula = parse_formula("x**2 - 3*x + 4")
    path = [[-1.5, 10.75], [0.0, 4.0]]
    figure = descent_figure(formula, (-2.0, 5.0), path)
    curve = figure.data[CURVE]
    np.testing.assert_allclose(curve.y, np.asarray(curve.x) ** 2 - 3 * np.asarray(curve.x) + 4)
    assert list(figure.data[PATH].x) == [-1.5, 0.0] and list(figure.data[BALL].x) == [0.0]
    tangent_x, tangent_y = figure.data[TANGENT].x, figure.data[TANGENT].y
    assert (tangent_y[1] - tangent_y[0]) / (tangent_x[1] - tangent_x[0]) == pytest.approx(-3.0)  # f'(0)
    assert list(figure.layout.xaxis.range) == [-2.0, 5.0]
    steps = steps_figure(path)
    assert list(steps.data[0].x) == [0, 1] and list(steps.data[0].y) == [10.75, 4.0]
    assert list(figure.data[AWAY].x) == []  # the ball is in sight: no mark


def test_a_ball_that_left_the_frame_is_marked_at_its_edge_with_where_it_went():
    """A diverging ball leaves the drawn frame within a step or two: the figure marks the edge it
    left by, with an arrow and its position, on the first draw and on every step's restyle."""
    formula = parse_formula("x**2 - 3*x + 4")
    right = away_mark(3.2e5, 1.0e11, (-2.0, 5.0), [0.0, 20.0])
    assert right["x"] == [5.0] and right["y"] == [20.0] and right["symbol"] == "triangle-right"
    assert right["text"] == ["ball at x = 3.2e+05, f = 1e+11"] and right["position"] == "bottom left"  # top corner
    assert away_mark(9.0, 3.0, (-2.0, 5.0), [0.0, 20.0])["position"] == "middle left"
    assert away_mark(-9.0, 1.0, (-2.0, 5.0), [0.0, 20.0])["symbol"] == "triangle-left"
    assert away_mark(1.0, 99.0, (-2.0, 5.0), [0.0, 20.0])["symbol"] == "triangle-up"
    assert away_mark(1.0, 3.0, (-2.0, 5.0), [0.0, 20.0])["x"] == []
    path = [[-1.5, 10.75], [40.0, 1484.0]]
    figure = descent_figure(formula, (-2.0, 5.0), path)
    assert list(figure.data[AWAY].x) == [5.0] and "x = 40" in figure.data[AWAY].text[0]
    state = {"path": path, "x_range": [-2.0, 5.0]}
    (_, away, _) = moved_ball(state, formula, "graph", "steps")
    assert away["traces"] == [AWAY] and away["update"]["x"] == [[5.0]]
    assert away["update"]["marker.symbol"] == ["triangle-right"] and "x = 40" in away["update"]["text"][0][0]


def test_the_step_route_answers_with_the_store_after_the_steps_and_what_to_paint():
    from playground.app.pages.descent import ids
    from playground.app.pages.descent.routes import step

    state = new_descent("quadratic", {"learn_rate": 0.25})
    answer = step({"descent": state, "steps": 3})
    expected, ends = advance(state, 3)
    assert answer["descent"] == expected and answer["ended"] is ends is False and answer["message"] == ""
    assert set(answer["paint"]["props"]) == {ids.READOUTS, ids.REGIME, ids.MESSAGE}
    over = step({"descent": {**state, "learn_rate": 5.0}, "steps": 1000})
    assert over["ended"] and "diverged" in over["message"] and abs(over["descent"]["ball"]["x"]) <= 1e6
    for body, word in [
        ({"descent": state, "steps": 0}, "steps"),
        ({"descent": {**state, "formula": "x.y"}}, "not allowed"),
        ({"descent": state, "steps": 1, "extra": 1}, "extra"),
    ]:
        with pytest.raises(ValueError, match=word):
            step(body)
