"""``python -m quizapp`` runs the same entry point as the ``quizapp`` console script."""

from quizapp.cli import main

raise SystemExit(main())
