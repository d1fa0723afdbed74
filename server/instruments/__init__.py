"""The program's instruments (WHO ASSIST, ...): pure scoring and validation, no I/O."""
