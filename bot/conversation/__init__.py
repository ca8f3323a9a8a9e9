"""The use-case layer every front end calls: asking, follow-ups, exercises, screening."""
