"""The run directory: atomic writes, the manifest, path constants, worker pools."""
