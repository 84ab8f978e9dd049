"""Background work: tasks, their dispatch (in-process or RQ), the outbox relay and schedules."""
