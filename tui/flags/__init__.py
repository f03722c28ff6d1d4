"""Each lesson's command-line flags: how they become the lesson's setup, and its `--plain` text.

A module here has `add_arguments(parser)`, `setup_from(args)` (raises SpecError)
and `plain(setup)`. None of them imports textual: `--plain` never loads the UI.
"""
