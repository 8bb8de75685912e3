"""The one error family: every failure a person should read as one line is a PerftuiError.

    PerftuiError
    ├── InputError            bad input from a person or a file; nothing was written
    │   ├── UsageError        a command line that cannot work (e.g. --read-only on a write)
    │   ├── CatalogError      a catalog entry or target edit that cannot be accepted
    │   └── RecordError       a snapshot that cannot be stored
    ├── StoreError            the store cannot do what was asked; classified where it happens
    │   ├── StoreMissing      no store at that path
    │   ├── StoreNotAStore    a directory, an empty file, another SQLite database, not SQLite
    │   ├── StoreCorrupt      a damaged page ("database disk image is malformed")
    │   ├── StoreTooNew       a schema newer than this perftui (or one that needs upgrading)
    │   ├── StoreLocked       another process holds the write lock past the busy timeout
    │   ├── StoreReadOnly     the file (or --read-only) does not allow writing
    │   ├── StoreFull         the disk (or the file size limit) is full
    │   ├── StoreUnwritable   the store cannot be created or opened where it was asked for
    │   │   └── StoreMoved    the file was deleted or replaced while open (nothing written)
    │   └── StoreUnreachable  a database server that does not answer (down, slow, refused)
    └── OutputError           a file perftui was asked to write cannot be written

`str(error)` is the whole message. The CLI prints it as one line and exits 2; the TUI shows it
as one notice. Anything else that escapes is a bug ("internal error", exit 1).

Plain module, no imports: the recorder loads it inside host applications' start-up.
"""


class PerftuiError(Exception):
    """Base class: `str(error)` is the single line shown to the user."""


class InputError(PerftuiError, ValueError):
    """Bad input from a person or a file; the message names what was wrong. Nothing was written."""


class UsageError(InputError):
    """A command line that cannot work as given."""


class CatalogError(InputError):
    """A catalog entry or target edit that cannot be accepted; the message names the field."""


class RecordError(InputError):
    """A snapshot that cannot be stored; the message names the field. Nothing was written."""


class StoreError(PerftuiError):
    """The store cannot do what was asked."""


class StoreMissing(StoreError):
    pass


class StoreNotAStore(StoreError):
    pass


class StoreCorrupt(StoreError):
    pass


class StoreTooNew(StoreError):
    pass


class StoreLocked(StoreError):
    pass


class StoreReadOnly(StoreError):
    pass


class StoreFull(StoreError):
    pass


class StoreUnwritable(StoreError):
    pass


class StoreMoved(StoreUnwritable):
    """The path no longer names the file this process opened (deleted, or replaced by
    another store): a write there is refused, so nothing goes into a file nobody will read."""


class StoreUnreachable(StoreError):
    pass


class OutputError(PerftuiError):
    """An output file (export, markdown, catalog) that cannot be written."""
