"""The ``%automl`` line magic.

    %automl df target="y" time_budget=60 metric="roc_auc" as_="model_result"

The line is read raw, so column names with spaces, ``$`` or braces reach the code
exactly; only the expression before the first ``name=`` option is evaluated, in the
user's namespace.
"""

from __future__ import annotations

import ast
import difflib
import html
import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class, no_var_expand
from IPython.display import display

from .codegen import CodegenError
from .errors import AutoMLError
from .kernel import has_widget_frontend
from .progress import TextProgress
from .result import Result
from .run import Run
from .runfolder import CODE_FILE
from .search.events import SearchFinished

DEFAULT_RESULT_NAME = "automl_result"

# Options accepted on the line, with the keyword they become for ``Run``.
RUN_OPTIONS = {
    "target",
    "time_budget",
    "metric",
    "task",
    "max_trials",
    "holdout",
    "random_state",
    "learners",
    "run_dir",
    "drop_missing_target",
    "n_concurrent_trials",
    "backend",
    "ray_address",
    "starting_points",
}
MAGIC_OPTIONS = {"as_", "wait"}


@dataclass
class MagicLine:
    """A parsed ``%automl`` line: the data expression and the options after it."""

    expression: str
    options: dict[str, Any] = field(default_factory=dict)


def parse_line(line: str) -> MagicLine:
    """Split ``line`` into the data expression and ``name=value`` options.

    An option starts at a top-level ``name=`` (outside brackets, not ``==``). Its
    value is a Python literal, or a bare word taken as text (``task=binary``).
    """
    text = line.strip()
    if not text:
        raise UsageError('missing DataFrame; usage: %automl df target="column" [time_budget=60]')
    starts = _option_starts(text)
    expression = text[: starts[0]].strip() if starts else text
    if not expression:
        raise UsageError('missing DataFrame before the options; usage: %automl df target="column"')
    options: dict[str, Any] = {}
    bounds = starts + [len(text)]
    for begin, end in zip(bounds, bounds[1:]):
        name, _, raw_value = text[begin:end].partition("=")
        name = name.strip()
        options[name] = _parse_value(name, raw_value.strip())
    return MagicLine(expression, options)


def _option_starts(text: str) -> list[int]:
    """Return the offsets in ``text`` where each top-level ``name=`` option begins."""
    line_offsets = [0]
    for line in text.splitlines(keepends=True):
        line_offsets.append(line_offsets[-1] + len(line))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as error:
        raise UsageError(f"cannot read the %automl line: {error}") from None
    starts = []
    depth = 0
    for previous, token in zip(tokens, tokens[1:]):
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif (
            depth == 0
            and token.type == tokenize.OP
            and token.string == "="
            and previous.type == tokenize.NAME
        ):
            row, column = previous.start
            offset = line_offsets[row - 1] + column
            if offset > 0 and not text[offset - 1].isspace():
                continue  # part of an expression such as df.x=..., not an option
            starts.append(offset)
    return starts


def _parse_value(name: str, raw: str) -> Any:
    if not raw:
        raise UsageError(f'option {name}= has no value; for example {name}=60 or {name}="text"')
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        pass
    if raw.isidentifier():
        return raw
    raise UsageError(
        f'cannot read the value of {name}={raw}; quote text, for example {name}="{raw}"'
    )


@magics_class
class AutoMLMagics(Magics):
    """Holds ``%automl``; registered by ``%load_ext jupyter_automl``."""

    @no_var_expand
    @line_magic
    def automl(self, line: str) -> None:
        """Search for the best model of a DataFrame column with FLAML.

        Usage::

            %automl df target="price" [time_budget=60] [metric="rmse"] [task="regression"]
                    [max_trials=50] [holdout=0.2] [random_state=0] [learners=["lgbm", "rf"]]
                    [run_dir="automl_runs"] [drop_missing_target=True]
                    [n_concurrent_trials=1] [backend="ray"] [ray_address="host:port"]
                    [starting_points="static"] [as_="automl_result"] [wait=True]

        ``df`` is any expression that gives a DataFrame, such as ``df[df.x > 0]``.
        The search runs in the background with a live panel; in a terminal, a script
        or a notebook executed without a browser it waits and prints progress
        (``wait=True`` forces this, ``wait=False`` forbids it). When it ends, the
        ``Result`` is stored in the variable named by ``as_`` (default
        ``automl_result``). ``jupyter_automl.last_run()`` returns the running search,
        with ``stop()`` and ``extend(seconds)``.

        ``n_concurrent_trials`` above 1 runs that many trials at once on Ray (install
        with ``pip install "jupyter-automl[ray]"``): on the cluster at ``ray_address``
        or ``RAY_ADDRESS``, else on a local cluster started on 127.0.0.1.

        Text options may be written without quotes when they are single words
        (``task=binary``). ``time_budget`` takes seconds or text such as "2m".
        """
        parsed = parse_line(line)
        options = dict(parsed.options)
        unknown = sorted(set(options) - RUN_OPTIONS - MAGIC_OPTIONS)
        if unknown:
            raise UsageError(_unknown_option_message(unknown[0]))
        if "target" not in options:
            raise UsageError('missing target; usage: %automl df target="column"')
        result_name = options.pop("as_", DEFAULT_RESULT_NAME)
        if not isinstance(result_name, str) or not result_name.isidentifier():
            raise UsageError(f"as_={result_name!r} is not a valid variable name")
        wait = options.pop("wait", None)
        df = self._evaluate(parsed.expression)
        target = options.pop("target")
        try:
            run = Run(df, target, data_name=parsed.expression, **options)
        except AutoMLError as error:
            raise UsageError(str(error)) from None
        if wait is None:
            wait = not has_widget_frontend(self.shell)
        if wait:
            self._run_blocking(run, result_name)
        else:
            self._run_in_background(run, result_name)

    def _user_namespace(self) -> dict[str, Any]:
        if self.shell is None:
            raise UsageError("%automl needs a running IPython shell")
        return self.shell.user_ns

    def _evaluate(self, expression: str) -> Any:
        namespace = self._user_namespace()
        try:
            return eval(expression, namespace)  # noqa: S307 - the user's own expression
        except NameError as error:
            name = getattr(error, "name", None) or str(error)
            close = difflib.get_close_matches(
                str(name), [key for key in namespace if not key.startswith("_")], n=1
            )
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"name {name!r} is not defined{hint}") from None
        except Exception as error:
            raise UsageError(
                f"cannot evaluate {expression!r}: {type(error).__name__}: {error}"
            ) from None

    def _run_blocking(self, run: Run, result_name: str) -> None:
        printer = TextProgress(run)
        run.add_listener(printer)
        run.start()
        try:
            result = run.wait(on_poll=printer.flush)
        except AutoMLError as error:
            raise UsageError(str(error)) from None
        self._user_namespace()[result_name] = result
        print(f"Result stored in {result_name!r}; predict with {result_name}.model.predict(rows).")
        self._deliver_code(result)

    def _deliver_code(self, result: Result) -> None:
        """Show the training code collapsed and put it into a new cell below this one.

        This runs while the magic's cell is still executing, the only time
        ``set_next_input`` creates a cell. Front-ends that ignore it (VS Code,
        nbclient) still show the collapsed code and the run folder's ``pipeline.py``.
        """
        try:
            code = result.to_code()
        except CodegenError as error:
            print(f"No training code for this model: {error}")
            return
        display(code_display(code, result.run_dir), raw=True)
        if self.shell is not None:
            self.shell.set_next_input(code, replace=False)

    def _run_in_background(self, run: Run, result_name: str) -> None:
        from .panel import show_panel

        namespace = self._user_namespace()
        # Terminal IPython has no kernel, so a widget would print as its text repr.
        show_widget = getattr(self.shell, "kernel", None) is not None

        def store_result(event: Any) -> None:
            result = getattr(event, "result", None)
            if result is not None:
                namespace[result_name] = result

        run.add_listener(
            lambda event: store_result(event) if isinstance(event, SearchFinished) else None
        )
        if show_widget:
            show_panel(run, result_name)
        run.start()
        if not show_widget:
            print(
                f"Searching in the background for {run.time_budget:g} s; this shell shows no "
                f"live panel. The Result is stored in {result_name!r} when the run ends. "
                "jupyter_automl.last_run() returns the run, with stop(), extend(seconds) "
                "and wait()."
            )


def code_display(code: str, run_dir: Path | None) -> dict[str, str]:
    """Return a MIME bundle that shows ``code`` in a collapsed HTML ``<details>`` block."""
    saved = f" (saved as {run_dir / CODE_FILE})" if run_dir is not None else ""
    summary = f"Training code that rebuilds this model{saved}"
    return {
        "text/plain": summary,
        "text/html": (
            f"<details><summary>{html.escape(summary)}</summary>"
            f'<pre><code class="language-python">{html.escape(code)}</code></pre></details>'
        ),
    }


def _unknown_option_message(name: str) -> str:
    known = sorted(RUN_OPTIONS | MAGIC_OPTIONS)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]}=? " if close else ""
    return f"unknown option {name}=; {hint}Options: {', '.join(known)}"


def register(shell: Any) -> None:
    shell.register_magics(AutoMLMagics)
