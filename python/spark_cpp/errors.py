# SPDX-License-Identifier: Apache-2.0
"""The exceptions spark_cpp raises for the runtime's errors.

Mistakes in what a call is given are Python's own exceptions: an unknown input or record name is
a KeyError, a wrong shape a ValueError, a value of another kind (a float for spikes) a TypeError,
each naming the port and what it expects. What the runtime finds is one of these.
"""


class SparkError(RuntimeError):
    """Any error the runtime reports; the message names the thing, the place and the fix."""


class ConfigError(SparkError, ValueError):
    """A brain or module config has problems: `problems` lists each as (path, message)."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = [tuple(p) for p in problems]


class GraphError(SparkError, ValueError):
    """The wiring cannot be built (a cycle without an output contract, shapes that do not fit)."""


class UnknownTypeError(SparkError, LookupError):
    """A type name resolves to no type, or to several (the message lists the candidates)."""


class PluginError(SparkError):
    """A plugin could not be loaded, or failed while creating, building or running a module."""


class StepError(SparkError):
    """A module failed during a step. The brain needs reset() before it steps again.

    Attributes: `module` (its name in the brain), `type_id` ("vendor.class_ref") and `step`
    (the brain's step index of the failed step).
    """

    def __init__(self, message, module="", type_id="", step=0):
        super().__init__(message)
        self.module = module
        self.type_id = type_id
        self.step = step


class CheckpointError(SparkError):
    """A checkpoint could not be written or read; `file` is the checkpoint's path."""

    def __init__(self, message, file=""):
        super().__init__(message)
        self.file = file
