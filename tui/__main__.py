"""`python -m tui` is the same as the `tensortour` command."""

try:
    from tui.cli import main
except KeyboardInterrupt:  # Ctrl+C while the command's first modules load: one line, as everywhere after
    import sys

    print("tensortour: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
