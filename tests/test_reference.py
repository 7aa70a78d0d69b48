"""The reference an author reads: generated from the schemas, complete, and checked in up to date."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import REPO
from site_builder.commands.cli import main
from site_builder.commands.reference import REFERENCE_FILE, TOPIC_NAMES, reference_markdown, topic_text
from site_builder.experiments import specs
from site_builder.load import content, playground
from site_builder.load.config import SiteConfig


def test_the_checked_in_reference_is_what_the_schemas_say() -> None:
    checked_in = (REPO / REFERENCE_FILE).read_text(encoding="utf-8")
    assert checked_in == reference_markdown(), (
        f"{REFERENCE_FILE} is out of date; regenerate it: python -m site_builder help --markdown > {REFERENCE_FILE}"
    )


def test_every_setting_key_kind_and_parameter_is_explained() -> None:
    text = reference_markdown()
    for field in dataclasses.fields(SiteConfig):
        accepts = "true or false" if isinstance(field.default, bool) else "a string"
        row = next(line for line in text.splitlines() if line.startswith(f"| `{field.name}` | {accepts} |"))
        assert row.rstrip(" |").split("| ")[-1].strip(), f"site.toml key {field.name} has no docstring"
    for key in (*content.ARTICLE_FIELDS, *content.PAGE_FIELDS, *playground.KEYS):
        assert f"| `{key}` |" in text, key
    for kind, parameters in specs.PARAMETERS.items():
        assert f"### kind: {kind}" in text
        for parameter in parameters:
            assert parameter.meaning and parameter.describe(), (kind, parameter.name)
            assert f"| `{parameter.name}` | {parameter.describe()} |" in text


def test_the_reference_states_the_limits_the_checks_enforce() -> None:
    figures = topic_text("figures")
    assert f"a whole number from {specs.MIN_STEPS} to {specs.MAX_STEPS}" in figures
    assert f"a list of at most {specs.MAX_HIDDEN_LAYERS} layer widths" in figures
    assert "(default: relu)" in figures and "target  (required)" in figures
    # the words the reference uses are the words an error uses
    _, issues = specs.parse_figure("fit.png", {"kind": "training", "target": "x**2", "steps": 0})
    assert issues[0].message == f"steps must be {specs.PARAMETERS['training'][6].describe()}; got 0"


@pytest.mark.parametrize("topic", TOPIC_NAMES)
def test_help_prints_each_topic(topic: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["help", topic]) == 0
    assert capsys.readouterr().out == topic_text(topic)


def test_the_command_line_knows_every_topic_without_importing_the_reference() -> None:
    from site_builder.commands.cli import HELP_TOPICS

    assert HELP_TOPICS == TOPIC_NAMES


def test_help_without_a_topic_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["help"]) == 0
    out = capsys.readouterr().out
    assert all(f"  {name}\n" in out for name in TOPIC_NAMES) and "docs/reference.md" in out


def test_the_command_line_knows_the_topics_without_importing_the_reference() -> None:
    from site_builder.commands.cli import HELP_TOPICS

    assert HELP_TOPICS == TOPIC_NAMES
