"""Renderers: turn engine Replies into text for a console or embeds for Discord."""
