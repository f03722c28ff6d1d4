"""`python -m tui` is the same as the `tensortour` command."""

from tui.cli import main

raise SystemExit(main())
