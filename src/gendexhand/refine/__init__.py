"""Stage 2: scene refinement — the verifier, the directive grammar, the refiners and the loop."""
