"""Coefficients of the date model (:func:`storyline.digest.timeline.date_features`).

Fitted by ``python -m storyline.evaluate.train_dates ../shared/data/timeline17 --write`` on the
Timeline17 tuning topics (:mod:`storyline.evaluate.splits`); the reporting topics were never
read. Order: :data:`storyline.digest.timeline.DATE_FEATURES`.
"""

COEFFICIENTS = (
    -0.9005,
    -0.0262,
    0.5396,
    -0.0298,
    0.4817,
    2.5421,
    2.6020,
    1.1693,
    -0.4118,
    -0.3817,
    -0.3974,
    1.1662,
)
