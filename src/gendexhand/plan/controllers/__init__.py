"""plan/controllers."""
