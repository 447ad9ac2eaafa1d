"""The pure diff of desired and actual state, the plan it makes, and how its changes are worded."""
