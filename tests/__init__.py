"""The test suite: a package, so the helpers in each folder are imported by relative imports
(from .support import ...) rather than by putting folders on sys.path."""
