"""`python -m api …`: the command line."""

from api.cli import main

raise SystemExit(main())
