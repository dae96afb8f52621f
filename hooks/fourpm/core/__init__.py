"""The core every feature stands on: the project, its languages, the one reader, settings, errors."""
