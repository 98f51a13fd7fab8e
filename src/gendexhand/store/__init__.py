"""Where stage outputs are kept: the run directory (atomic writes, the manifest) and every
path of its layout."""
