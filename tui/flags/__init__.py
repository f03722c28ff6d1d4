"""Each lesson's command-line flags and how they become the lesson's setup.

A module here has `add_arguments(parser)` and `setup_from(args)` (raises
SpecError); train's also has `headless(args, setup)` for `--headless`. Nothing
else: the words a lesson prints, `--plain` included, are in `tui.text`. None of
them imports textual, so the command line can set textual's environment first
and `--plain` never loads the UI.
"""
