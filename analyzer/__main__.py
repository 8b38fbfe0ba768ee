"""``python -m analyzer`` is the same as ``reply-analyzer``."""

from analyzer.cli import main

main()
