"""quizapp: study normalization and regularization for ML interviews, in the terminal."""

__version__ = "0.1.0"
