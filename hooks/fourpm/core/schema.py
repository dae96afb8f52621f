"""Typed schemas of front matter and data, on MkDocs' own Config machinery."""
from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .errors import ContentError

_TEXT = (str, int, float)


class ObjectiveMeta(Config):
    code = c.Type(str)
    title = c.Type(str)
    # Optional everywhere; where written they must agree with what the build derives.
    axis = c.Optional(c.Type(str))
    facility = c.Optional(c.Type(str))
    baseline_2020 = c.Optional(c.Type(_TEXT))
    target_2030 = c.Optional(c.Type(_TEXT))
    target_2050 = c.Optional(c.Type(_TEXT))


class FacilityMeta(Config):
    id = c.Type(str)
    title = c.Type(str)
    kind = c.Optional(c.Choice(("core", "global")))
    objectives = c.Optional(c.ListOfItems(c.Type(str)))


class PageMeta(Config):
    """What every page may hold; the theme shows these as text."""
    title = c.Optional(c.Type(str))
    description = c.Optional(c.Type(str))
    summary = c.Optional(c.Type(str))


_TYPE_NAMES = {"<class 'str'>": "text", "<class 'int'>": "a number", "<class 'float'>": "a number",
               "<class 'list'>": "a list", "<class 'dict'>": "a mapping", "<class 'bool'>": "true/false",
               "<class 'NoneType'>": "nothing", "<class 'datetime.date'>": "a date"}


def validate(schema: type[Config], values: dict, file: str) -> Config:
    """Validate values against schema; the first problem becomes a ContentError."""
    config = schema(config_file_path=file)
    config.load_dict({k: v for k, v in values.items() if k in config._schema_keys})
    failed, _warnings = config.validate()
    if failed:
        key, error = failed[0]
        message = str(error)
        if message.startswith("Required configuration not provided"):
            raise ContentError(file, key, "is missing", f"add a line '{key}: ...' to the front matter")
        for raw, name in _TYPE_NAMES.items():
            message = message.replace(raw, name)
        raise ContentError(file, key, message.replace("Expected type: ", "expected ").replace("received: ", "got "))
    return config
