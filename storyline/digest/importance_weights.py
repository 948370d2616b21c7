"""Coefficients of the sentence-importance model (:mod:`storyline.digest.importance`).

Fitted by ``python -m storyline.evaluate.train_importance ../shared/data --skip duc2006
--write`` on the tuning parts of DUC 2003 and Multi-News (:mod:`storyline.evaluate.splits`;
with DUC 2006's tuning topics added, two of three tuning parts scored lower); the
reporting parts were never read. Order: :data:`storyline.digest.importance.FEATURES`.
"""

COEFFICIENTS = (
    -0.0125,
    0.2552,
    -0.1428,
    -0.0148,
    -0.0360,
    0.1284,
    0.0000,
    0.1385,
    0.0061,
    0.0668,
    0.0118,
    0.8616,
)
