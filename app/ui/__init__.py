"""Qt windows and widgets, one window class per role."""
