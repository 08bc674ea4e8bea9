"""``playground download``: fetch an image data set into the data directory."""

from __future__ import annotations

import argparse
import sys

from playground.cli.arguments import EXIT_DOWNLOAD_FAILED, fail


def run_download(args: argparse.Namespace) -> int:
    """Download a data set into the data directory; exit 0, 1 (failed) or 2 (bad arguments)."""
    from playground.data.download import DownloadError, download_dataset

    if args.categories is not None and args.name != "quickdraw":
        return fail("--categories applies to quickdraw only")
    try:
        folder = download_dataset(
            args.name, args.data_dir, base_url=args.mirror, progress=not args.quiet, categories=args.categories
        )
    except ValueError as error:
        return fail(str(error))
    except (DownloadError, OSError) as error:
        print(f"playground: download of {args.name} failed: {error}", file=sys.stderr)
        return EXIT_DOWNLOAD_FAILED
    print(f"{args.name}: ready in {folder}")
    return 0
