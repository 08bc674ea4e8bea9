"""``playground landscape``: a filter-normalised slice of a saved network, as HTML or PNG."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from playground.cli.arguments import fail, read_model
from playground.cli.train import check_save_path, load_recipe_data


def run_landscape(args: argparse.Namespace) -> int:
    """Draw a filter-normalised slice of a saved network on a data set's test images."""
    from tqdm import tqdm

    from playground.engine import blas_threads
    from playground.engine.landscape import cost_slice
    from playground.recipes import Recipe, fit_problem

    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".png"):
        return fail(f"--output {args.output}: write a .html or a .png file")
    if (problem := check_save_path(args.output)) is not None:
        return fail(problem.replace("--save", "--output"))
    if args.steps % 2 == 0 or not 3 <= args.steps <= 101:
        return fail("--steps must be odd, from 3 to 101 (0, the network itself, is then on the grid)")
    network, failed = read_model(args.model)
    if failed is not None:
        return failed
    data, failed = load_recipe_data(Recipe.from_options(args))
    if failed is not None:
        return failed
    problem = fit_problem(network, data)
    if problem:
        return fail(f"{args.model} does not fit {args.data}: {problem}")
    count = min(args.samples, len(data.test_labels))
    with tqdm(total=args.steps**2, desc="slice", unit=" points", disable=args.quiet, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        start = time.perf_counter()
        with blas_threads(args.threads):
            alphas, betas, costs = cost_slice(
                network,
                data.test_inputs[:count],
                data.test_labels[:count],
                steps=args.steps,
                span=args.span,
                seed=args.seed,
                normalisation=args.normalisation,
                progress=progress,
            )
        seconds = time.perf_counter() - start
    from playground.plots.landscape import slice_report_figure

    title = (
        f"{network.describe()} · {count:,} {args.data} test images · {args.normalisation}-normalised "
        f"directions · {args.steps}×{args.steps} grid"
    )
    figure = slice_report_figure(alphas, betas, costs, log=args.log_scale, title=title)
    try:
        if output.suffix.lower() == ".html":
            figure.write_html(output, include_plotlyjs=True)  # plotly.js inside: opens offline
        else:
            # Plotly's exporter (kaleido) reads the process's own arguments when it loads: hide ours.
            arguments, sys.argv = sys.argv, sys.argv[:1]
            try:
                figure.write_image(output, width=1920, height=850)
            finally:
                sys.argv = arguments
    except Exception as error:  # Plotly's static export names many causes: no Chromium, …
        return fail(f"could not write {args.output}: {error}; an .html file needs no browser")
    middle = args.steps // 2
    print(
        f"slice: {args.steps}×{args.steps} points in {seconds:.1f} s; cost at the network {costs[middle, middle]:.4f}, "
        f"{costs.min():.4f} … {costs.max():.4f} around it"
    )
    print(f"written: {args.output}")
    return 0
