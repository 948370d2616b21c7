"""Coefficients of the concept-weight model (:mod:`storyline.digest.concepts`).

Fitted by ``python -m storyline.evaluate.train_concepts ../shared/data --write`` on the tuning
parts of DUC 2003 and DUC 2006 (:mod:`storyline.evaluate.splits`); the reporting
parts were never read. Order: :data:`storyline.digest.concepts.FEATURES`.
"""

COEFFICIENTS = (
    -6.3042,
    0.7520,
    0.2811,
    1.2303,
    1.2118,
    0.2492,
    0.4491,
    0.4445,
    -0.0075,
    0.3125,
    0.0000,
)
