"""User mistakes as one-line messages: the error type every command raises for a bad argument or file.

``python -m pipeline`` turns an ``InputError`` (and the registry's ``UnknownName`` and the
validator's ``RawDataError``) into its message on stderr and a non-zero exit, never a traceback.
Anything else is a bug and keeps its traceback.
"""
from __future__ import annotations


class InputError(ValueError):
    """A mistake in what the user gave (an argument or a file); ``str()`` is the line to print.

    ``lines`` holds several messages when one mistake spans several places (one line each);
    ``code`` is the exit status: 2 for a bad argument, 1 for bad data.
    """

    def __init__(self, message: str | list[str], code: int = 1):
        self.lines = [message] if isinstance(message, str) else list(message)
        self.code = code
        super().__init__("\n".join(self.lines))
