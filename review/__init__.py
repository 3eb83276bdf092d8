"""The review site: a static, offline website over a built dataset (``python -m review OUT``, ``make review``)."""
