"""The query workers' settings (issue 13): the memory one query may add, and the nesting depth."""

from __future__ import annotations

import argparse

import pytest
from napkg_cli.serve import add_serve_arguments, settings_from_args
from napkg_server.settings import Settings, parse_size, physical_memory


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1000", 1000),
        ("64M", 64 * 2**20),
        ("512MiB", 512 * 2**20),
        ("1.5G", 3 * 2**29),
        ("2gb", 2 * 2**30),
        ("1T", 2**40),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "lots", "1.5", "-"])
def test_sizes_that_are_not(text: str) -> None:
    with pytest.raises(ValueError, match="not a size in bytes"):
        parse_size(text)


def test_default_memory_is_half_the_machine_shared_by_the_workers() -> None:
    settings = Settings(max_concurrent_queries=4)
    assert settings.query_memory is None
    assert settings.query_memory_limit() == max(256 * 2**20, physical_memory() // 8)
    assert Settings(query_memory=300 * 2**20).query_memory_limit() == 300 * 2**20


def test_memory_and_depth_from_the_environment_and_flags() -> None:
    env = Settings.from_env({"NAPKG_QUERY_MEMORY": "2G", "NAPKG_MAX_QUERY_DEPTH": "40"})
    assert (env.query_memory, env.max_query_depth) == (2 * 2**30, 40)
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    flags = settings_from_args(parser.parse_args(["--query-memory", "300M", "--max-query-depth", "12"]))
    assert (flags.query_memory, flags.max_query_depth) == (300 * 2**20, 12)


@pytest.mark.parametrize(("name", "value"), [("query_memory", 2**20), ("max_query_depth", 0)])
def test_limits_too_small_are_refused(name: str, value: int) -> None:
    with pytest.raises(ValueError, match=name):
        Settings(**{name: value})


def test_a_bad_size_in_the_environment_names_the_variable() -> None:
    with pytest.raises(ValueError, match="NAPKG_QUERY_MEMORY='much'"):
        Settings.from_env({"NAPKG_QUERY_MEMORY": "much"})
