"""Scene building, state, control, rendering and inverse kinematics."""
