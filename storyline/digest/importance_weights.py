"""Coefficients of the sentence-importance model (:mod:`storyline.digest.importance`).

Fitted by ``python -m storyline.evaluate.train_importance ../shared/data --write`` on the
tuning parts of DUC 2003, DUC 2006 and Multi-News (:mod:`storyline.evaluate.splits`); the
reporting parts were never read. Order: :data:`storyline.digest.importance.FEATURES`.
"""

COEFFICIENTS = (
    -0.0383,
    0.2548,
    -0.1274,
    -0.0161,
    -0.0212,
    0.1313,
    0.0000,
    0.1705,
    0.0075,
    0.0646,
    0.0231,
)
