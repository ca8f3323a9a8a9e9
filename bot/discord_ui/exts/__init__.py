"""Discord extensions, one per feature; each module ends in ``async def setup(bot)``."""
