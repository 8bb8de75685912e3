"""A frozen record base class: what a frozen dataclass gives (an __init__ with defaults,
equality, hashing, repr, immutability, `replace`) without importing `dataclasses` (which imports
`inspect`) or generating code per class. Measured on the recorder path: dataclasses cost about
10 ms of a host application's start-up; this costs well under one.

    class Spec(Frozen):
        metric_id: str
        direction: str = "lower"
        details: dict = factory(dict)
"""

from __future__ import annotations


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class factory:  # noqa: N801 - reads like dataclasses.field(default_factory=...)
    """A default made fresh for each instance (for mutable defaults such as dict)."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


class Frozen:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: dict = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        fields = list(cls._fields)
        defaults = dict(cls._defaults)
        for name in cls.__dict__.get("__annotations__", {}):
            if name.startswith("_"):
                continue
            if name not in fields:
                fields.append(name)
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
            elif defaults and name not in defaults and any(f in defaults for f in fields):
                raise TypeError(f"{cls.__name__}.{name}: a field without a default follows one "
                                "with a default")
        cls._fields = tuple(fields)
        cls._defaults = defaults

    def __init__(self, *args, **kwargs) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} arguments, "
                            f"{len(args)} given")
        setter = object.__setattr__
        for name, value in zip(fields, args):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__}() got multiple values for {name!r}")
            setter(self, name, value)
        defaults = self._defaults
        for name in fields[len(args):]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in defaults:
                value = defaults[name]
                if isinstance(value, factory):
                    value = value.make()
            else:
                raise TypeError(f"{type(self).__name__}() missing required argument {name!r}")
            setter(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__}() got unexpected argument(s) "
                            f"{', '.join(sorted(kwargs))}")
        post = getattr(self, "__post_init__", None)
        if post is not None:
            post()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name, value) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.__class__.__name__,) + self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"


def replace(record: Frozen, **changes) -> Frozen:
    """A copy of `record` with some fields changed (like dataclasses.replace)."""
    values = {name: getattr(record, name) for name in record._fields}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field(s) {', '.join(sorted(unknown))}")
    values.update(changes)
    return type(record)(**values)
