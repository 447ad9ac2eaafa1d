"""Slack as a chat front end (Socket Mode): `/rotation who`, `/rotation cover ...` and the
request message's buttons. An adapter: the rules are sync.core.cover, the flow sync.run.cover."""
