# Nothing to administer: guidance has no models (see models.py).
