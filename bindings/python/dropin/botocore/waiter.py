from awsc.waiter import Waiter  # noqa: F401
