"""Live numeric exercises: a registry of generators, each drawing fresh friendly numbers.

``make("batch_norm.train_forward", seed=7, level=1)`` gives the same exercise for the same seed,
forever.  Importing this package registers every generator module listed below.
"""

from .base import (
    REGISTRY,
    Draft,
    Exercise,
    Generator,
    Param,
    Step,
    UnknownGenerator,
    Variant,
    generator,
    get,
    make,
)

# Importing a module registers its generators.
from . import augment, blocks, dropout, lora, norms, regularize  # noqa: E402,F401  isort: skip

__all__ = [
    "REGISTRY",
    "Draft",
    "Exercise",
    "Generator",
    "Param",
    "Step",
    "UnknownGenerator",
    "Variant",
    "generator",
    "get",
    "make",
]
