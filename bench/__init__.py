"""Benchmarks of jupyter-automl, each figure a ratio against raw FLAML run side by side.

``python -m bench run --suite small --budget 30`` appends JSON lines to
``bench/results/``; ``python -m bench report`` turns the latest of them into Markdown.
"""
