"""Small declarative schemas for the YAML files under content/.

Errors name the file and the key path and say what was expected, in one line,
so a maintainer can fix a typo without reading a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml


class ConfigError(Exception):
    """A content/*.yml file that cannot be used; str() is the one-line message."""

    def __init__(self, file: str, key: str, message: str):
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable[[Any, str], Any]
    required: bool = True
    default: Any = None


def load_yaml(path: Path, display: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(display, "", "file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(display, "", "not UTF-8 text") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(display, where, f"not valid YAML ({problem})") from None


class Schema:
    """Validates a mapping against declared fields; unknown keys are errors."""

    def __init__(self, file: str, *fields: Field):
        self.file = file
        self.fields = fields

    def validate(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(self.file, path, f"expected a mapping, got {_kind(value)}")
        known = {f.name for f in self.fields}
        for key in value:
            if key not in known:
                raise ConfigError(self.file, _join(path, str(key)),
                                  f"unknown key (expected one of: {', '.join(sorted(known))})")
        out = {}
        for f in self.fields:
            key = _join(path, f.name)
            if f.name not in value:
                if f.required:
                    raise ConfigError(self.file, key, "required key is missing")
                out[f.name] = f.default
            else:
                out[f.name] = f.check(value[f.name], key)
        return out

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.file, key, message)

    # checks ------------------------------------------------------------------------
    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a non-empty string, got {_kind(value)}")
        return value.strip()

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"expected a number, got {_kind(value)}")
        return float(value)

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of strings, got {_kind(value)}")
        return tuple(self.string(v, f"{key}[{i}]") for i, v in enumerate(value))

    def items(self, value: Any, key: str, item: Callable[[Any, str], Any]) -> tuple:
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {_kind(value)}")
        return tuple(item(v, f"{key}[{i}]") for i, v in enumerate(value))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"string {value!r}"
    return type(value).__name__
