"""Reusable touch widgets: big buttons, the on-screen keyboard, answer inputs."""
