"""What a fixture can learn of the test it served (for diagnostics at teardown)."""


def failed(request) -> bool:
    """Whether the test using this fixture failed (for teardown diagnostics)."""
    report = getattr(request.node, "report_call", None)
    return bool(report and report.failed)
