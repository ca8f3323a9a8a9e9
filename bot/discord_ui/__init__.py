"""The Discord front end: client, runner, extensions, components, embeds."""
