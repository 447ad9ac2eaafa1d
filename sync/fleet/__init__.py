"""Many rosters in one deployment: the fleet file, its fan-out, and what spans rosters."""
