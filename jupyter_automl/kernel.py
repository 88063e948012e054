"""Detection of the Jupyter kernel and front-end that the package runs in, and its interrupt."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def current_shell() -> Any | None:
    """Return the running IPython shell, or None in plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def has_widget_frontend(shell: Any) -> bool:
    """Guess whether the current cell runs in a front-end that renders widgets.

    A kernel driven by JupyterLab, Notebook 7 or VS Code allows stdin requests.
    nbclient, papermill and other headless executors do not, and terminal IPython
    has no kernel at all.
    """
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return False
    return bool(getattr(kernel, "_allow_stdin", False))


def stop_on_interrupt(stop_running: Callable[[], None]) -> bool:
    """Make the kernel's interrupt call ``stop_running`` while the kernel is idle.

    ipykernel 7 ignores SIGINT between cells. After each cell it restores the
    handler that it saved before the cell (``saved_sigint_handler``), so replacing
    that saved handler installs ours once the current cell ends. Ours only stops
    running searches, so an interrupt with no search running is still ignored.
    Returns False outside a kernel or off the main thread, where nothing changes.
    """
    kernel = getattr(current_shell(), "kernel", None)
    if kernel is None or not hasattr(kernel, "saved_sigint_handler"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False

    def handle_interrupt(signum: int, frame: Any) -> None:
        stop_running()

    kernel.saved_sigint_handler = handle_interrupt
    return True
