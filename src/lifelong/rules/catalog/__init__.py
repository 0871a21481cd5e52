"""Rule sets shipped with Lifelong: one TOML file per board and credential (docs/rules.md)."""
