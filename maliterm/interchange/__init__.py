"""Data in and out: ACLED import, reports, graph and STIX exports, merging copies.

Pure modules (no Textual). The formats are registered in `exporters` and `importers`, which the CLI
(`commands`), the TUI's palette and README's tables are made from.
"""
