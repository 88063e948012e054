"""Steps the browser tests take in JupyterLab and Notebook 7: open, run cells, read the panel."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Locator, Page

SETUP_CELL = (
    "%load_ext jupyter_automl\n"
    "from jupyter_automl.datasets import load_adult\n"
    "df = load_adult().sample(2000, random_state=0).reset_index(drop=True)"
)
PROMPT_DONE = re.compile(r"\[\d+\]")

# Sum of the points in the traces that hold one point per trial (meta "trials").
COUNT_TRIAL_POINTS = """
(plot) => plot.data.filter(t => t.meta === 'trials').reduce((n, t) => n + t.x.length, 0)
"""


def open_notebook(page: Page, url: str, name: str, app: str = "lab") -> None:
    """Open ``name`` in JupyterLab (``app="lab"``) or Notebook 7 and wait for an idle kernel."""
    address = f"{url}/lab/tree/{name}?reset" if app == "lab" else f"{url}/notebooks/{name}"
    page.goto(address)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    accept_kernel_dialog(page)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        timeout=60_000
    )


def accept_kernel_dialog(page: Page, timeout: float = 3) -> None:
    """Accept the "Select Kernel" dialog if it shows despite the session started beforehand.

    The front-end may ask before it has seen the session that the test created.
    Accepting picks the default Python kernel, which is the kernel the session runs.
    """
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    deadline = time.time() + timeout
    while True:
        if dialog.count():
            dialog.locator("button.jp-mod-accept").click()
            return
        if time.time() >= deadline:
            return
        time.sleep(0.2)


def cells(page: Page) -> Locator:
    return page.locator(".jp-Notebook .jp-Cell")


def run_cell(page: Page, index: int) -> Locator:
    """Select cell ``index`` and run it with Shift+Enter; return the cell."""
    cell = cells(page).nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    for _attempt in range(3):
        accept_kernel_dialog(page, timeout=0)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            wait_until(lambda: prompt.inner_text() != before, 5, what="the cell to start")
            return cell
        except AssertionError:
            continue  # the key press reached the page before the editor took focus
    raise AssertionError(f"cell {index} did not start running after three Shift+Enter")


def prompt_done(cell: Locator) -> bool:
    """Return whether the cell's last execution has finished (its prompt shows a number)."""
    return bool(PROMPT_DONE.search(cell.locator(".jp-InputPrompt").inner_text()))


def wait_until(
    condition: Any, timeout: float, interval: float = 0.2, what: str = "condition"
) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_for_cell(cell: Locator, timeout: float = 60) -> None:
    wait_until(lambda: prompt_done(cell), timeout, what="the cell to finish")


def cell_output(cell: Locator) -> str:
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


class PanelReader:
    """Reads what the panel in one cell shows."""

    def __init__(self, cell: Locator) -> None:
        self.root = cell.locator(".jupyter-automl-panel")

    def progress_width(self) -> float:
        style = self.root.locator(".progress-bar").get_attribute("style") or ""
        match = re.search(r"width:\s*([\d.]+)%", style)
        return float(match.group(1)) if match else 0.0

    def trials(self) -> int:
        return int(self.root.locator(".jupyter-automl-trials").inner_text().split()[0])

    def best(self) -> str:
        return self.root.locator(".jupyter-automl-best").inner_text()

    def status(self) -> str:
        return self.root.locator(".jupyter-automl-status").get_attribute("data-status") or ""

    def status_text(self) -> str:
        return self.root.locator(".jupyter-automl-status").inner_text()

    def message(self) -> str:
        locator = self.root.locator(".jupyter-automl-message")
        return locator.inner_text() if locator.count() else ""

    def chart_points(self) -> int:
        plot = self.root.locator(".js-plotly-plot").first
        return int(plot.evaluate(COUNT_TRIAL_POINTS))

    def button(self, label: str) -> Locator:
        return self.root.locator("button", has_text=label).first

    def wait_for_status(self, status: str, timeout: float) -> None:
        wait_until(lambda: self.status() == status, timeout, what=f"status {status!r}")

    def holdout_score(self) -> float:
        """Return the holdout score in the status line, e.g. 0.8575 from ``holdout ROC AUC 0.8575``."""
        match = re.search(r"holdout .*?(-?\d+(?:\.\d+)?(?:e-?\d+)?) \(", self.status_text())
        assert match, f"no holdout score in {self.status_text()!r}"
        return float(match.group(1))
