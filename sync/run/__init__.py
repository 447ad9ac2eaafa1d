"""One run and its surroundings: the engine, the wiring, the state store, notices, messages
and the scheduler."""
