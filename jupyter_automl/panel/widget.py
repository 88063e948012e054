"""``AutoMLPanel``: the widgets shown by ``%automl`` and the thread that keeps them current."""

from __future__ import annotations

import logging
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from .. import charts, runfolder
from ..errors import CodegenError
from ..search.events import BudgetChanged, SearchStarted
from . import text
from .figures import show_figures, show_text
from .holdout import model_figures
from .state import PanelState

logger = logging.getLogger(__name__)

# Seconds between two redraws of the progress line; each redraw sends at most one
# message per widget, and only for widgets whose value changed.
REDRAW_INTERVAL = 0.5

# Minimum seconds between two redraws of the search charts. The interval grows to
# CHART_COST_FACTOR times the duration of the last redraw, up to MAX_CHART_INTERVAL,
# so building figures for hundreds of trials takes about a tenth of the kernel's
# time. Each redraw replaces the figure whole, and the browser draws it again.
CHART_INTERVAL = 2.0
MAX_CHART_INTERVAL = 5.0
CHART_COST_FACTOR = 10

# Seconds to wait for the JupyterLab extension to confirm an inserted cell before
# showing the fallbacks.
INSERT_TIMEOUT = 3.0

# Comm target the JupyterLab extension opens after it inserted a cell.
COMM_TARGET = "jupyter_automl"

# Extra seconds offered by the Extend control.
DEFAULT_EXTEND_SECONDS = 30

TAB_TITLES = ("Search progress", "Leaderboard", "Model", "Data checks", "Code")
CODE_TAB = TAB_TITLES.index("Code")
LEADERBOARD_TAB = TAB_TITLES.index("Leaderboard")

_panels: weakref.WeakValueDictionary[str, AutoMLPanel] = weakref.WeakValueDictionary()
_comm_target_registered = False


class AutoMLPanel:
    """Live view of a ``Run`` with Stop, Extend and Insert code.

    Create and ``show`` it on the kernel's main thread. Run events only update
    ``state`` and wake the redraw thread. That thread writes to the widgets at most
    every REDRAW_INTERVAL seconds (charts less often), so a search with hundreds of
    trials sends a bounded number of messages.
    """

    def __init__(self, run: Any, result_name: str) -> None:
        self.run = run
        self.result_name = result_name
        self.panel_id = uuid.uuid4().hex
        self.state = PanelState(time_budget=float(run.time_budget))
        self.code: str | None = None
        self.code_note = "The code appears when the search has a model."
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._redraw_thread: threading.Thread | None = None
        self._drawn_trials = -1
        self._next_chart_at = 0.0
        self._chart_warm = False
        self._leaderboard_stale = False
        self._drawn_result = 0
        self._insert_timer: threading.Timer | None = None
        self._build()
        _panels[self.panel_id] = self

    # -- construction ----------------------------------------------------------

    def _build(self) -> None:
        self.header = widgets.HTML(text.header_html(self.run.info()))
        self.progress = widgets.FloatProgress(
            value=0.0, min=0.0, max=1.0, layout=widgets.Layout(width="60%")
        )
        self.progress_text = widgets.HTML()
        self.stop_button = widgets.Button(
            description="Stop",
            icon="stop",
            button_style="warning",
            tooltip="End the search and keep the best model",
        )
        self.extend_seconds = widgets.BoundedIntText(
            value=DEFAULT_EXTEND_SECONDS, min=1, max=86400, layout=widgets.Layout(width="80px")
        )
        self.extend_button = widgets.Button(
            description="Extend",
            icon="plus",
            tooltip="Add this many seconds and continue the search",
        )
        self.insert_button = widgets.Button(
            description="Insert code", icon="code", button_style="primary",
            tooltip="Insert the model's code in a new cell below",
        )  # fmt: skip
        self.insert_button.add_class("jupyter-automl-insert-code")
        self.message = widgets.HTML()
        self.code_source = widgets.HTML(layout=widgets.Layout(display="none"))
        self.stop_button.on_click(self._on_stop)
        self.extend_button.on_click(self._on_extend)
        self.insert_button.on_click(self._on_insert)

        self.progress_chart = widgets.Output()
        self.leaderboard_chart = widgets.Output()
        self.model_metrics = widgets.HTML("<p>The model's charts appear when the search ends.</p>")
        self.model_charts = widgets.Output()
        self.findings = widgets.HTML(text.findings_html(self.run.info()["findings"]))
        self.code_view = widgets.HTML(text.code_html(None, self.code_note))
        self.tabs = widgets.Tab(
            children=[
                self.progress_chart,
                self.leaderboard_chart,
                widgets.VBox([self.model_metrics, self.model_charts]),
                self.findings,
                self.code_view,
            ],
            titles=TAB_TITLES,
        )
        controls = widgets.HBox(
            [
                self.stop_button,
                self.extend_button,
                self.extend_seconds,
                widgets.Label("s"),
                self.insert_button,
                self.code_source,
            ]
        )
        self.widget = widgets.VBox(
            [
                self.header,
                widgets.HBox([self.progress]),
                self.progress_text,
                controls,
                self.message,
                self.tabs,
            ]
        )
        self.widget.add_class("jupyter-automl-panel")
        self.tabs.observe(self._on_tab_change, "selected_index")
        self._draw_status()
        show_text(self.progress_chart, "Waiting for the first trial...")
        show_text(self.leaderboard_chart, "Waiting for the first trial...")

    def show(self) -> None:
        """Display the panel and follow the run's events; call on the kernel's main thread."""
        _register_comm_target()
        self.run.add_listener(self._on_event)
        display(self.widget)
        self._ensure_redraw_thread()

    # -- events from the search thread ---------------------------------------------

    def _on_event(self, event: Any) -> None:
        with self._lock:
            self.state.apply(event)
        if isinstance(event, (SearchStarted, BudgetChanged)):
            self._ensure_redraw_thread()
        self._wake.set()

    def _ensure_redraw_thread(self) -> None:
        with self._lock:
            if self._redraw_thread is not None and self._redraw_thread.is_alive():
                return
            self._redraw_thread = threading.Thread(
                target=self._redraw_loop, name="jupyter-automl-panel", daemon=True
            )
            self._redraw_thread.start()

    def _redraw_loop(self) -> None:
        while True:
            self._wake.wait(REDRAW_INTERVAL)
            self._wake.clear()
            try:
                self.redraw()
            except Exception:  # a drawing bug must not stop later redraws
                logger.exception("the AutoML panel failed to redraw")
            with self._lock:
                drawn = self._drawn_result == self.state.result_version
                if self.state.final and drawn and self._drawn_trials == self.state.trials_version:
                    self._redraw_thread = None
                    return
            time.sleep(REDRAW_INTERVAL)

    def redraw(self) -> None:
        """Bring every widget up to date with ``state``; charts only when their data changed."""
        self._draw_status()
        with self._lock:
            trials_version = self.state.trials_version
            result_version = self.state.result_version
            result = self.state.result
            final = self.state.final
        new_result = result is not None and result_version != self._drawn_result
        chart_due = time.monotonic() >= self._next_chart_at or final
        if (trials_version != self._drawn_trials and chart_due) or new_result:
            self._drawn_trials = trials_version
            started = time.monotonic()
            self._draw_search_charts()
            cost = time.monotonic() - started
            if self._chart_warm:
                interval = min(max(CHART_INTERVAL, CHART_COST_FACTOR * cost), MAX_CHART_INTERVAL)
            else:
                # Plotly loads its validators on the first figure (about 1 s), once per process.
                interval = CHART_INTERVAL
                self._chart_warm = True
            self._next_chart_at = started + interval
        if new_result:
            self._draw_result(result)
            self._drawn_result = result_version

    # -- drawing ---------------------------------------------------------------------

    def _draw_status(self) -> None:
        with self._lock:
            state = self.state
            elapsed = self.run.elapsed
            fraction = elapsed / state.time_budget if state.time_budget else 1.0
            self.progress.value = round(min(fraction, 1.0), 3)
            self.progress.bar_style = _bar_style(state.status)
            self.progress_text.value = text.progress_html(state, elapsed, self.run.metric.label)
            self.stop_button.disabled = not state.can_stop
            self.stop_button.button_style = "warning" if state.can_stop else ""
            self.extend_button.disabled = not state.can_extend
            self.insert_button.disabled = self.code is None

    def _draw_search_charts(self) -> None:
        trials = self.run.trial_list
        if not trials:
            return
        metric = self.run.metric
        # The time axis fits the trials: spanning a long budget would squeeze them into
        # one edge, and the progress bar already shows the time left.
        show_figures(self.progress_chart, [charts.search_progress_figure(trials, metric)])
        # A hidden leaderboard is drawn when its tab opens, which halves a redraw's cost.
        self._leaderboard_stale = True
        if self.state.final or self.tabs.selected_index == LEADERBOARD_TAB:
            self._draw_leaderboard()

    def _draw_leaderboard(self) -> None:
        trials = self.run.trial_list
        if trials:
            self._leaderboard_stale = False
            show_figures(
                self.leaderboard_chart, [charts.leaderboard_figure(trials, self.run.metric)]
            )

    def _on_tab_change(self, change: dict[str, Any]) -> None:
        if change["new"] == LEADERBOARD_TAB and self._leaderboard_stale:
            self._draw_leaderboard()

    def _draw_result(self, result: Any) -> None:
        self.code, self.code_note = _generate_code(result)
        with self._lock:
            self.code_view.value = text.code_html(self.code, self.code_note)
            self.code_source.value = text.code_source_html(self.code, self.panel_id)
        self._draw_status()
        self._say(
            f"The result is stored in <code>{self.result_name}</code>: "
            f"<code>{self.result_name}.model.predict(rows)</code> predicts new rows."
        )
        self.model_metrics.value = text.metrics_html(result)
        show_text(self.model_charts, "Computing the holdout charts...")
        try:
            figures = model_figures(result, self.run.X_holdout_raw, self.run.split.y_holdout)
        except Exception as error:
            logger.exception("the holdout charts failed")
            show_text(
                self.model_charts, f"The holdout charts failed: {type(error).__name__}: {error}"
            )
            return
        show_figures(self.model_charts, figures)

    def _say(self, message: str) -> None:
        self.message.value = f"<span class='jupyter-automl-message'>{message}</span>"

    # -- buttons, on the kernel's main thread ---------------------------------------------

    def _on_stop(self, _button: Any) -> None:
        with self._lock:
            if not self.state.request_stop():
                return
            self._draw_status()
        self.run.stop("user")
        self._say("Stopping: the best model so far is kept and its code generated.")

    def _on_extend(self, _button: Any) -> None:
        seconds = int(self.extend_seconds.value)
        with self._lock:
            if not self.state.request_extend():
                return
        try:
            self.run.extend(seconds)
        except RuntimeError as error:
            self._say(f"Cannot extend: {error}")
            return
        self._say(f"Added {seconds} s to the budget.")
        self._ensure_redraw_thread()
        self._wake.set()

    def _on_insert(self, _button: Any) -> None:
        if self.code is None:
            return
        self._say("Inserting the code in a new cell below...")
        if self._insert_timer is not None:
            self._insert_timer.cancel()
        self._insert_timer = threading.Timer(INSERT_TIMEOUT, self._show_insert_fallback)
        self._insert_timer.daemon = True
        self._insert_timer.start()

    def on_code_inserted(self, cell_index: int) -> None:
        """Record that the JupyterLab extension inserted the code as cell ``cell_index``."""
        if self._insert_timer is not None:
            self._insert_timer.cancel()
        self._say(
            f"Inserted the code in a new cell below (cell {cell_index + 1}), "
            "using the jupyter-automl JupyterLab extension."
        )

    def _show_insert_fallback(self) -> None:
        pipeline = self.run.run_dir / runfolder.CODE_FILE
        self._say(
            "No cell was inserted: this front-end does not run the jupyter-automl extension "
            "(VS Code, Colab and the classic Notebook do not). Copy the code with the "
            f"<b>Copy code</b> button in the Code tab, or run <code>{pipeline}</code>."
        )
        self.tabs.selected_index = CODE_TAB


def _generate_code(result: Any) -> tuple[str | None, str]:
    """Return the result's code and a note on where it is saved, or None and the reason."""
    try:
        code = result.to_code()
    except CodegenError as error:
        return None, f"No code for this model: {error}"
    if result.run_dir is None:
        return code, ""
    path = Path(result.run_dir) / runfolder.CODE_FILE
    return code, f"Also saved as {path}." if path.exists() else ""


def _bar_style(status: str) -> str:
    return {"done": "success", "stopped": "warning", "failed": "danger"}.get(status, "info")


def _register_comm_target() -> None:
    """Let the JupyterLab extension report inserted cells back to the kernel."""
    global _comm_target_registered
    if _comm_target_registered:
        return
    from IPython import get_ipython

    kernel = getattr(get_ipython(), "kernel", None)
    manager = getattr(kernel, "comm_manager", None)
    if manager is None:
        return
    manager.register_target(COMM_TARGET, _on_comm_open)
    _comm_target_registered = True


def _on_comm_open(comm: Any, message: dict[str, Any]) -> None:
    data = message.get("content", {}).get("data", {})
    panel = _panels.get(str(data.get("panel_id", "")))
    if panel is not None and data.get("event") == "code_inserted":
        panel.on_code_inserted(int(data.get("cell_index", 0)))
