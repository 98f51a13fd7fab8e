"""Stage 3: decompose each task into a plan (subtasks, controllers, success predicates)."""
