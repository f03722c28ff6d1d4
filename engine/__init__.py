"""TensorTour's engine: every number the app shows is computed here, never in tui/."""
