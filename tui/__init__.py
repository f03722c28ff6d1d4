"""TensorTour's Textual front end: shows what engine computes."""

__version__ = "0.1.0"
