"""Cost landscapes, curvature, classic surfaces and the optimizer race, against direct computation."""

import numpy as np
import pytest

from playground.engine import COSTS, HIDDEN_ACTIVATIONS, Network
from playground.engine.landscape import (
    cost_slice,
    cost_surface,
    hessian,
    largest_curvature,
    learn_rate_limit,
    locate,
    parameter_addresses,
    parameter_name,
    plane_costs,
    random_directions,
    trajectory_plane,
    unit_direction,
)
from playground.engine.race import Run, Runner, descend, race, winner
from playground.engine.surface import two_parameter_costs
from playground.engine.surfaces import SURFACES


def network_and_data(sizes=(2, 8, 8, 2), activation="tanh", output="softmax", cost="cross_entropy", seed=0):
    rng = np.random.default_rng(seed)
    network = Network(
        list(sizes), activation=activation, output_activation=output, cost=cost, seed=seed, dtype=np.float64
    )
    for b in network.biases:
        b[:] = rng.normal(0, 0.3, b.shape)
    inputs = rng.normal(0, 1, (200, sizes[0]))
    labels = rng.integers(0, sizes[-1], 200)
    return network, inputs, labels


def cost_with(network, inputs, labels, settings: dict, l2=0.0) -> float:
    twin = network.copy()
    for (kind, layer, *index), value in settings.items():
        array = twin.weights[layer - 1] if kind == "W" else twin.biases[layer - 1]
        array[tuple(index)] = value
    return twin.cost(inputs, labels) + twin.l2_cost(l2)


@pytest.mark.parametrize(
    "first,second",
    [
        (("W", 2, 3, 5), ("b", 1, 4)),
        (("W", 1, 0, 2), ("W", 1, 1, 2)),
        (("b", 3, 1), ("W", 3, 7, 0)),
        (("W", 1, 1, 1), ("b", 3, 0)),
    ],
)
@pytest.mark.parametrize("output,cost", [("softmax", "cross_entropy"), ("sigmoid", "quadratic")])
def test_a_surface_point_is_the_cost_with_those_two_parameters_set_by_hand(first, second, output, cost):
    network, inputs, labels = network_and_data(output=output, cost=cost)
    before = [p.tobytes() for p in network.parameters()]
    xs, ys = np.linspace(-3, 2, 7), np.linspace(-1, 4, 5)
    for l2 in (0.0, 0.05):
        surface = cost_surface(network, inputs, labels, first, second, xs, ys, l2=l2)
        assert surface.shape == (5, 7)
        for k, j in [(0, 0), (2, 5), (4, 6), (3, 1)]:
            expected = cost_with(network, inputs, labels, {first: xs[j], second: ys[k]}, l2)
            assert surface[k, j] == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert [p.tobytes() for p in network.parameters()] == before  # the network is exactly as it was


PAIRS = [
    (("W", 2, 3, 5), ("b", 1, 4)),
    (("W", 1, 0, 2), ("W", 1, 1, 2)),
    (("b", 1, 2), ("W", 1, 1, 2)),
    (("W", 3, 7, 1), ("b", 3, 1)),
    (("b", 2, 0), ("W", 1, 1, 5)),
    (("W", 1, 1, 3), ("b", 3, 0)),
]


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize(
    "output,cost",
    [
        ("softmax", "cross_entropy"),
        ("sigmoid", "cross_entropy"),
        ("sigmoid", "quadratic"),
        ("tanh", "quadratic"),
        ("linear", "quadratic"),
    ],
)
def test_the_broadcast_surface_equals_the_general_plane(activation, output, cost):
    """The sliders' surface (broadcast over the axes each number depends on) is the same cost as
    the general plane through the two unit directions, for every pair of places two sliders can be."""
    network, inputs, labels = network_and_data(activation=activation, output=output, cost=cost)
    alphas, betas = np.linspace(-2, 1.5, 9), np.linspace(-1, 3, 7)
    for first, second in PAIRS:
        d1, d2 = unit_direction(network, first), unit_direction(network, second)
        expected = plane_costs(network, inputs, labels, d1, d2, alphas, betas)
        found = two_parameter_costs(
            network, inputs, labels, locate(network, first), locate(network, second), alphas, betas
        )
        np.testing.assert_allclose(found, expected, rtol=1e-10, atol=1e-12)


def test_the_broadcast_surface_works_in_blocks_without_hidden_layers_and_in_float32(monkeypatch):
    import playground.engine.surface as surface

    monkeypatch.setattr(surface, "BLOCK_VALUES", 1)  # one β row a block
    network, inputs, labels = network_and_data(sizes=(2, 3))
    first, second = ("W", 1, 1, 2), ("b", 1, 0)
    xs, ys = np.linspace(-1, 1, 4), np.linspace(0, 2, 3)
    surface_costs = cost_surface(network, inputs, labels, first, second, xs, ys)
    for k, j in [(0, 0), (2, 3), (1, 2)]:
        assert surface_costs[k, j] == pytest.approx(
            cost_with(network, inputs, labels, {first: xs[j], second: ys[k]}), rel=1e-10
        )
    small = Network([2, 8, 8, 2], activation="tanh", output_activation="softmax", seed=0)  # float32
    labels = labels % 2
    costs = cost_surface(small, inputs, labels, ("W", 2, 3, 5), ("b", 1, 4), xs, ys)
    assert costs.shape == (3, 4)
    assert costs[1, 2] == pytest.approx(
        cost_with(small, inputs, labels, {("W", 2, 3, 5): xs[2], ("b", 1, 4): ys[1]}), rel=1e-5
    )


def test_a_conv_network_surface_goes_by_the_general_plane():
    network = Network.from_spec("conv2x3,pool2,4", (6, 6, 1), 3, seed=0, dtype=np.float64)
    rng = np.random.default_rng(0)
    inputs, labels = rng.normal(0, 1, (20, 36)), rng.integers(0, 3, 20)
    assert two_parameter_costs(network, inputs, labels, (0, (0, 0, 0, 1)), (1, (0,)), [0.0], [0.0]) is None
    first, second = ("W", 2, 3, 1), ("b", 1, 0)
    surface = cost_surface(network, inputs, labels, first, second, [-1.0, 0.5], [0.2])
    twin = network.copy()
    position, index = locate(twin, first)
    twin.parameters()[position][index] = 0.5
    position, index = locate(twin, second)
    twin.parameters()[position][index] = 0.2
    assert surface[0, 1] == pytest.approx(twin.cost(inputs, labels), rel=1e-10)


def test_bad_requests_are_refused_with_a_message():
    network, inputs, labels = network_and_data()
    with pytest.raises(ValueError, match="chosen twice"):
        cost_surface(network, inputs, labels, ("W", 1, 0, 0), ("W", 1, 0, 0), [0, 1], [0, 1])
    with pytest.raises(ValueError, match="no parameter W\\[2\\]\\[9,0\\]"):
        cost_surface(network, inputs, labels, ("W", 2, 9, 0), ("b", 1, 0), [0, 1], [0, 1])
    with pytest.raises(ValueError, match="weight-layers are 1…3"):
        cost_surface(network, inputs, labels, ("b", 4, 0), ("b", 1, 0), [0, 1], [0, 1])
    with pytest.raises(ValueError, match="at most 250,000"):
        cost_surface(network, inputs, labels, ("b", 1, 1), ("b", 1, 0), np.zeros(501), np.zeros(500))
    with pytest.raises(ValueError, match="odd"):
        cost_slice(network, inputs, labels, steps=50)


def test_addresses_name_every_parameter_as_the_sliders_do():
    network, _, _ = network_and_data(sizes=(2, 3, 2))
    addresses = parameter_addresses(network)
    assert len(addresses) == network.n_parameters == 17
    assert parameter_name(addresses[0]) == "W[1][0,0]" and parameter_name(addresses[6]) == "b[1][0]"
    assert parameter_name(("W", 2, 2, 1)) == "W[2][2,1]"


def test_a_slice_at_the_origin_is_the_networks_cost():
    network, inputs, labels = network_and_data(activation="relu")
    alphas, betas, costs = cost_slice(network, inputs, labels, steps=9, span=0.5, seed=3)
    assert costs.shape == (9, 9) and alphas[4] == 0 and betas[4] == 0
    assert costs[4, 4] == pytest.approx(network.cost(inputs, labels), rel=1e-10)
    d1, d2 = random_directions(network, seed=3)
    twin = network.copy()
    for p, a, b in zip(twin.parameters(), d1, d2):
        p += alphas[1] * a + betas[7] * b
    assert costs[7, 1] == pytest.approx(twin.cost(inputs, labels), rel=1e-10)


def test_filter_normalised_directions_have_the_weights_column_norms():
    network, _, _ = network_and_data(sizes=(5, 7, 3), activation="relu")
    d1, d2 = random_directions(network, seed=1, normalisation="filter")
    for k, layer in enumerate(network.weighted_layers):
        for d in (d1, d2):
            np.testing.assert_allclose(np.linalg.norm(d[2 * k], axis=0), np.linalg.norm(layer.weights, axis=0))
            assert not d[2 * k + 1].any()  # bias directions are zero
    assert not np.allclose(d1[0], d2[0])
    layer_wise, _ = random_directions(network, seed=1, normalisation="layer")
    assert np.linalg.norm(layer_wise[0]) == pytest.approx(np.linalg.norm(network.weights[0]))
    raw, _ = random_directions(network, seed=1, normalisation="none")
    assert not np.isclose(np.linalg.norm(raw[0]), np.linalg.norm(network.weights[0]))
    with pytest.raises(ValueError, match="normalisation"):
        random_directions(network, normalisation="unit")


def test_filter_normalisation_makes_a_rescaled_relu_network_look_the_same():
    # Scaling one ReLU layer up by 10 and the next down by 10 computes the same function; with
    # filter-normalised directions the slice looks the same too, without normalisation it does not.
    network, inputs, labels = network_and_data(sizes=(2, 8, 2), activation="relu")
    scaled = network.copy()
    scaled.weights[0] *= 10
    scaled.biases[0] *= 10
    scaled.weights[1] /= 10
    np.testing.assert_allclose(scaled.forward(inputs), network.forward(inputs), rtol=1e-9)
    same = [cost_slice(n, inputs, labels, steps=5, span=1.0, seed=2)[2] for n in (network, scaled)]
    np.testing.assert_allclose(same[0], same[1], rtol=1e-8)
    raw = [cost_slice(n, inputs, labels, steps=5, span=1.0, seed=2, normalisation="none")[2] for n in (network, scaled)]
    assert not np.allclose(raw[0], raw[1], rtol=1e-3)


def test_plane_costs_include_the_l2_term_and_need_directions_of_the_right_shape():
    network, inputs, labels = network_and_data()
    d1, d2 = random_directions(network, seed=5)
    costs = plane_costs(network, inputs, labels, d1, d2, [0.3], [-0.2], l2=0.1)
    twin = network.copy()
    for p, a, b in zip(twin.parameters(), d1, d2):
        p += 0.3 * a - 0.2 * b
    assert costs[0, 0] == pytest.approx(twin.cost(inputs, labels) + twin.l2_cost(0.1), rel=1e-10)
    with pytest.raises(ValueError, match="shaped like"):
        plane_costs(network, inputs, labels, d1[:2], d2, [0], [0])


@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_per_sample_costs_average_to_the_cost(cost, output):
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, (50, 4))
    from playground.engine.activations import ACTIVATIONS

    a = ACTIVATIONS[output].function(z)
    y = np.eye(4)[rng.integers(0, 4, 50)]
    assert COSTS[cost].per_sample(z, a, y, output).mean() == pytest.approx(COSTS[cost].value(z, a, y, output))


def test_the_hessian_matches_second_differences_of_the_cost():
    network, inputs, labels = network_and_data()
    first, second = ("W", 2, 3, 5), ("b", 1, 4)
    matrix = hessian(network, inputs, labels, first, second, l2=0.01)
    h = 1e-4
    x0, y0 = network.weights[1][3, 5], network.biases[0][4]

    def c(dx, dy):
        return cost_with(network, inputs, labels, {first: x0 + dx, second: y0 + dy}, l2=0.01)

    fxx = (c(h, 0) - 2 * c(0, 0) + c(-h, 0)) / h**2
    fyy = (c(0, h) - 2 * c(0, 0) + c(0, -h)) / h**2
    fxy = (c(h, h) - c(h, -h) - c(-h, h) + c(-h, -h)) / (4 * h**2)
    np.testing.assert_allclose(matrix, [[fxx, fxy], [fxy, fyy]], rtol=1e-4, atol=1e-6)
    assert network.weights[1][3, 5] == x0 and network.biases[0][4] == y0


def test_the_largest_curvature_of_a_bowl_is_exact_and_two_over_it_is_the_limit():
    bowl = SURFACES["bowl"]
    h = 1e-3
    rows = []
    for direction in np.eye(2):
        up = bowl.value_and_gradient(np.array([0.4, -0.7]) + h * direction)[1]
        down = bowl.value_and_gradient(np.array([0.4, -0.7]) - h * direction)[1]
        rows.append((up - down) / (2 * h))
    largest = largest_curvature(np.array(rows))
    assert largest == pytest.approx(3.0, rel=1e-12)
    limit = learn_rate_limit(largest)
    assert limit == pytest.approx(2 / 3) and learn_rate_limit(largest, momentum=0.9) == pytest.approx(3.8 / 3)
    slow = descend(bowl.value_and_gradient, bowl.start, Runner("sgd", 0.99 * limit), 3000)
    fast = descend(bowl.value_and_gradient, bowl.start, Runner("sgd", 1.01 * limit), 3000)
    assert slow.diverged_at is None and slow.costs[-1] < 1e-10
    assert fast.diverged_at is not None  # |1 − lr·λmax| = 1.02: each step overshoots by 2 % more


def test_each_optimizers_first_steps_on_rosenbrock_match_hand_computed_values():
    surface = SURFACES["rosenbrock"]
    start = np.array([-1.5, 2.0])

    def grad(p):
        x, y = p
        return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])

    lr, mu = 1e-4, 0.9
    expected = {}
    p = start.copy()
    path = []
    for _ in range(3):
        p = p - lr * grad(p)
        path.append(p.copy())
    expected["sgd"] = path
    p, v, path = start.copy(), np.zeros(2), []
    for _ in range(3):
        v = mu * v - lr * grad(p)
        p = p + v
        path.append(p.copy())
    expected["momentum"] = path
    p, v, path = start.copy(), np.zeros(2), []
    for _ in range(3):
        g = grad(p)
        v = mu * v - lr * g
        p = p + mu * v - lr * g
        path.append(p.copy())
    expected["nesterov"] = path
    p, s, path = start.copy(), np.zeros(2), []
    for _ in range(3):
        g = grad(p)
        s = 0.9 * s + 0.1 * g * g
        p = p - lr * g / (np.sqrt(s) + 1e-8)
        path.append(p.copy())
    expected["rmsprop"] = path
    p, m, s, path = start.copy(), np.zeros(2), np.zeros(2), []
    for t in range(1, 4):
        g = grad(p)
        m = 0.9 * m + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        p = p - lr * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        path.append(p.copy())
    expected["adam"] = path
    for name, points in expected.items():
        run = descend(surface.value_and_gradient, start, Runner(name, lr, mu), 3)
        np.testing.assert_allclose(run.path[1:], points, rtol=1e-6, err_msg=name)
        assert run.costs[0] == pytest.approx((1 + 1.5) ** 2 + 100 * (2 - 2.25) ** 2)


def test_the_race_runs_every_optimizer_from_one_start_and_names_a_winner():
    surface = SURFACES["ravine"]
    runners = [
        Runner("sgd", 0.19),
        Runner("momentum", 0.02),
        Runner("nesterov", 0.02),
        Runner("rmsprop", 0.1),
        Runner("adam", 0.3),
    ]
    runs = race(surface.value_and_gradient, surface.start, runners, 150)
    assert [run.path[0] for run in runs] == [list(surface.start)] * 5
    assert all(len(run.costs) == 151 for run in runs)
    sgd_y = np.array(runs[0].path)[:10, 1]
    assert np.all(np.sign(sgd_y[1:]) == -np.sign(sgd_y[:-1]))  # SGD zig-zags across the ravine
    index, step = winner(runs)
    assert runs[index].runner.optimizer != "sgd" and step is not None
    diverging = descend(surface.value_and_gradient, surface.start, Runner("sgd", 0.25), 500)
    assert diverging.diverged_at is not None  # above 2/λmax = 0.2


def test_the_winner_ends_lowest_and_a_tie_goes_to_the_first_there():
    """The rule holds whatever the surface's scale: the lowest final cost wins (a runner that was
    near it early but ended higher loses); final costs within 1 % of the race's cost range tie, and
    the first to get within that margin wins; a runner that diverged never wins."""

    def run(name, costs, diverged_at=None):
        return Run(Runner(name, 0.1), costs=list(costs), diverged_at=diverged_at)

    # The network race a teacher saw: sgd near the bottom at step 1, adam lower at the end.
    early, late = run("sgd", [0.03, 0.01202, 0.01202, 0.01202]), run("adam", [0.03, 0.025, 0.015, 0.01164])
    assert winner([early, late]) == (1, 3)  # 0.00038 apart: more than 1 % of the race's range, 0.018
    late = run("adam", [1.0, 0.5, 0.02, 0.01164])
    close = run("momentum", [1.0, 0.015, 0.0117, 0.0117])  # ends within 0.0099 of adam, and there first
    assert winner([late, close]) == (1, 1)
    exploded = run("rmsprop", [1.0, -5.0], diverged_at=1)  # its last cost is the lowest, but it diverged
    assert winner([exploded, late]) == (1, 2)  # adam, within the tie margin of its end from step 2
    assert winner([exploded]) == (None, None)


def test_on_the_saddle_a_runner_that_diverged_never_wins():
    surface = SURFACES["saddle"]
    runners = [Runner("sgd", 0.05), Runner("adam", 0.05), Runner("sgd", 3.0)]
    runs = race(surface.value_and_gradient, surface.start, runners, 300)
    assert runs[2].diverged_at is not None
    index, _ = winner(runs)
    assert index is not None and runs[index].diverged_at is None
    ends = [run.costs[-1] for run in runs if run.diverged_at is None]
    assert runs[index].costs[-1] <= min(ends) + 0.01 * (max(c for r in runs[:2] for c in r.costs) - min(ends))


def test_the_saddle_holds_sgd_longer_than_momentum():
    surface = SURFACES["saddle"]
    sgd = descend(surface.value_and_gradient, surface.start, Runner("sgd", 0.05), 200)
    momentum = descend(surface.value_and_gradient, surface.start, Runner("momentum", 0.05), 200)

    def escape(run):
        return next(k for k, p in enumerate(run.path) if abs(p[1]) > 1)

    assert escape(momentum) < escape(sgd)


def test_every_surface_gradient_matches_finite_differences():
    h = 1e-6
    for surface in SURFACES.values():
        point = np.array([0.37, -0.21]) + 0.5 * np.array(surface.start)
        _, gradient = surface.value_and_gradient(point)
        numeric = [
            (surface.value_and_gradient(point + h * e)[0] - surface.value_and_gradient(point - h * e)[0]) / (2 * h)
            for e in np.eye(2)
        ]
        np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-6, err_msg=surface.name)


def test_the_trajectory_plane_holds_a_flat_path_exactly():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(30, 2)))[0].T  # two orthonormal directions in 30-D
    coefficients = np.cumsum(rng.normal(size=(40, 2)), axis=0)
    points = coefficients @ basis + rng.normal(size=30)
    origin, components, coordinates, explained = trajectory_plane(points)
    assert explained == pytest.approx(1.0) and components.shape == (2, 30)
    np.testing.assert_allclose(coordinates @ components + origin, points, atol=1e-9)
    noisy = points + rng.normal(0, 0.5, points.shape)
    assert trajectory_plane(noisy)[3] < 0.999


def test_unit_directions_move_one_parameter():
    network, _, _ = network_and_data(sizes=(2, 3, 2))
    direction = unit_direction(network, ("b", 2, 1))
    assert sum(int(d.sum()) for d in direction) == 1 and direction[3][1] == 1


def test_the_plane_of_a_network_with_two_conv_layers_is_the_cost_point_by_point():
    """A later conv layer keeps its (H, W, C) while the plane moves it (a slice of
    conv16x5,pool2,conv32x5,pool2,128 once failed to broadcast): each grid point's cost is the
    cost of the network with its parameters set there."""
    network = Network.from_spec("conv2x3,conv3x3,pool2,4", (7, 7, 1), 3, seed=0, dtype=np.float64)
    rng = np.random.default_rng(1)
    inputs, labels = rng.normal(0, 1, (12, 49)), rng.integers(0, 3, 12)
    d1 = [rng.normal(0, 1, p.shape) for p in network.parameters()]
    d2 = [rng.normal(0, 1, p.shape) for p in network.parameters()]
    alphas, betas = [-0.5, 0.0, 0.25], [0.1, -0.3]
    costs = plane_costs(network, inputs, labels, d1, d2, alphas, betas)
    for row, beta in enumerate(betas):
        for column, alpha in enumerate(alphas):
            twin = network.copy()
            for values, first, second in zip(twin.parameters(), d1, d2):
                values += alpha * first + beta * second
            assert costs[row, column] == pytest.approx(twin.cost(inputs, labels), rel=1e-10)
