"""A Discord bot that answers outside-knee (IT band) pain questions from a knowledge base."""
