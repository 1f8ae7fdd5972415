"""``python -m workers`` runs the keepwarm CLI."""

from workers.cli import main

main()
