"""Demo and benchmark data: the seed, scale data and every capability's demo rows."""
