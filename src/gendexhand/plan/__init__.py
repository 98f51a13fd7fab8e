"""Plans: subtasks, success predicates, grasp poses, motion planning, execution."""
