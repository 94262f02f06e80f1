"""Everything the run writes into OUT; each writer sees records only."""
