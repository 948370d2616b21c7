"""Coefficients of the concept-weight model (:mod:`storyline.digest.concepts`).

Provisional: fitted on the DUC 2003 tuning part only.
Order: :data:`storyline.digest.concepts.FEATURES`.
"""

COEFFICIENTS = (-6.3272, 1.1239, 0.1857, 1.4759, 1.6456, 0.5108, 0.0, -0.2345, -0.036, 0.3449, 0.0)
