"""The settings model of nap-kg (pydantic-settings, ``NAPKG_*``), shared by ``napkg build`` and ``napkg serve``.

:class:`NapkgSettings` holds the machinery (one ``NAPKG_<FIELD>`` variable per field, each field's :class:`Opt`
saying how text becomes a value and how its flag looks) and the fields both commands have; :class:`BuildSettings`
adds where the build reads and writes; the server's ``napkg_server.settings.Settings`` adds the endpoint's. The
graph package imports neither the server nor the CLI, so the model's base lives here. Flags are generated from
the fields (``napkg_cli``): a new setting is one field. Precedence: flags > environment > defaults.

>>> BuildSettings.from_env({"NAPKG_BASE_IRI": "https://example.org/nap/", "NAPKG_DIST": "out"}).dist
PosixPath('out')
>>> BuildSettings.from_env({"NAPKG_BASE_IRI": "https://example.org/nap"})
Traceback (most recent call last):
ValueError: base IRI must end with '/' or '#': 'https://example.org/nap'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self, get_args

from pydantic import Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

#: The package's data: ontology/, shapes/ and sources/. In a checkout, data/ holds links to the repository's
#: top-level ontology/, shapes/ and graph/sources/; a wheel carries copies of them (package data).
DATA_DIR = Path(__file__).resolve().parent / "data"

#: The repository root when running from a checkout (ontology/, graph/, shapes/ sit beside each other in it).
REPO_ROOT = Path(__file__).resolve().parents[2]

ENV_PREFIX = "NAPKG_"

#: Default base IRI: w3id.org is a community persistent-identifier service, so the IRIs can outlive any host.
DEFAULT_BASE_IRI = "https://w3id.org/nap-kg/"


def _in_checkout() -> bool:
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "graph" / "sources").is_dir()


def _default_dist() -> Path:
    """dist/ in the checkout, else ./dist for an installed package ($NAPKG_DIST is read as any setting is)."""
    return REPO_ROOT / "dist" if _in_checkout() else Path.cwd() / "dist"


@dataclass(frozen=True)
class Opt:
    """How a field is set from outside: ``parse`` turns the environment's (and a flag's) text into the value
    (default: the field's type); ``many`` flags take several words (``nargs="+"``), joined and parsed as one;
    ``flag=False`` for settings with an environment variable only, ``env=False`` for flags only; ``limit`` rows are
    in the README's Limits table, whose default column starts with ``shown_default`` when the default is not a plain
    value."""

    metavar: str | None = None
    parse: Callable[[str], Any] | None = None
    many: bool = False
    flag: bool = True
    env: bool = True
    choices: tuple[str, ...] | None = None
    limit: bool = False
    shown_default: str | None = None


def opt(field: FieldInfo) -> Opt:
    """The :class:`Opt` of ``field`` (a default one when it has none)."""
    return next((m for m in field.metadata if isinstance(m, Opt)), Opt())


def env_name(name: str) -> str:
    """The environment variable of field ``name``.

    >>> env_name("max_rows")
    'NAPKG_MAX_ROWS'
    """
    return ENV_PREFIX + name.upper()


def flag_name(name: str) -> str:
    """The flag of field ``name``.

    >>> flag_name("max_rows")
    '--max-rows'
    """
    return "--" + name.replace("_", "-")


def scalar_parser(field: FieldInfo) -> Callable[[str], Any]:
    """Text to value for ``field``: its :class:`Opt` parser, else the first of int, float, Path it admits, else str."""
    custom = opt(field).parse
    if custom is not None:
        return custom
    kinds = get_args(field.annotation) or (field.annotation,)
    return next((kind for kind in (int, float, Path) if kind in kinds), str)


# The mapping from_env reads (os.environ when unset); a context variable, so no global is ever swapped.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("napkg_environ", default=None)


@contextmanager
def _environ(environ: Mapping[str, str] | None) -> Iterator[None]:
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


class NapkgEnv(PydanticBaseSettingsSource):
    """``NAPKG_<FIELD>`` variables, parsed as the flags are (not pydantic-settings' JSON for lists), so an error
    names the variable in one line; set-but-blank counts as unset. ``extra`` reads values that do not map to
    one variable (the server's data files)."""

    extra: ClassVar[Callable[[Mapping[str, str]], dict[str, Any]] | None] = None

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads every field at once

    def __call__(self) -> dict[str, Any]:
        env = _ENVIRON.get()
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            raw = env.get(env_name(name), "")
            if not opt(field).env or not raw.strip():
                continue
            try:
                values[name] = scalar_parser(field)(raw.strip())
            except ValueError as error:
                raise ValueError(f"{env_name(name)}={raw!r}: {error}") from None
        reader = getattr(self.settings_cls, "read_env_extra", None)
        if reader is not None:
            values.update(reader(env))
        return values


def one_line(error: ValidationError) -> str:
    """The first problem of ``error`` in one line; our own checks' messages as they are."""
    first = error.errors()[0]
    if first["type"] == "value_error" and "error" in first.get("ctx", {}):
        return str(first["ctx"]["error"])
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


class NapkgSettings(BaseSettings):
    """The base of the settings model: environment reading, one-line errors, and the fields build and serve share."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    base_iri: str = Field(default=DEFAULT_BASE_IRI, description="base IRI of the dataset")

    def __init__(self, **values: Any) -> None:
        # One line, as the CLI prints it, instead of pydantic's multi-line report.
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise ValueError(one_line(error)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        # AttributeError, as the frozen dataclasses these settings were raised, not pydantic's ValidationError.
        raise AttributeError(f"settings are frozen: cannot assign {name}")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, NapkgEnv(settings_cls))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """Defaults, overridden by ``NAPKG_*`` variables of ``environ`` (default ``os.environ``), overridden by
        ``overrides`` (the flags given)."""
        with _environ(environ):
            return cls(**overrides)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (validated again; every field is given, so the environment is not read)."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self)(**{**values, **changes})


def _paths(text: str) -> tuple[Path, ...]:
    """``a:b`` -> (Path("a"), Path("b")), as PATH is written."""
    return tuple(Path(part) for part in text.split(os.pathsep) if part)


def _yes(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


class BuildSettings(NapkgSettings):
    """Inputs and outputs of `napkg build`; every field can be overridden from the command line."""

    base_iri: str = Field(
        default=DEFAULT_BASE_IRI,
        description=f"base IRI of the dataset (default: $NAPKG_BASE_IRI or {DEFAULT_BASE_IRI})",
    )
    dist: Path = Field(default_factory=_default_dist, description="output directory (default: dist/ in the repository)")
    # holds ontology/, shapes/ and sources/
    root: Annotated[Path, Opt(flag=False, env=False)] = Field(
        default=DATA_DIR, description="the build's data directory"
    )
    sources: Annotated[Path | None, Opt(env=False)] = Field(
        default=None, description="curated sources directory (default: graph/sources/)"
    )
    extra_sources: Annotated[tuple[Path, ...], Opt("DIR", parse=_paths)] = Field(
        default=(),
        description="more report folders to build: a folder with a report.yaml, or a folder of them "
        f"(several separated by {os.pathsep!r})",
    )
    allow_test_fixtures: Annotated[bool, Opt("yes|no", parse=_yes)] = Field(
        default=False, description="build report folders marked test_fixture: true (invented data; never publish it)"
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base_iri!r}")
        return self

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def sources_dir(self) -> Path:
        return self.sources or self.root / "sources"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"
