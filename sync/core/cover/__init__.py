"""Cover requests, pure: the request's states and who may move it, which days and which
takers are eligible, the suggestions, and the slash command's text. No I/O."""
