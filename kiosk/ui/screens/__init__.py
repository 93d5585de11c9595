"""One module per citizen screen; each renders state and emits intents, nothing more."""
