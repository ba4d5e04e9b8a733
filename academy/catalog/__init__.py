"""The reader: catalog, course pages, lessons and course media."""
