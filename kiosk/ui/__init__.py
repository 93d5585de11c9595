"""The Qt Widgets user interface: screens, widgets, and the one session controller.

The only package that imports PySide6. Screens render a SessionState and emit intents;
they never touch the database, the printer or the forms engine directly.
"""
