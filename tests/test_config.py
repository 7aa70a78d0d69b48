"""site.toml: typed settings, every problem reported with its key's line."""

from pathlib import Path

import pytest

from site_builder.load.config import SiteConfig, load_config, parse_config
from site_builder.problems import BuildFailed


def messages(text: str) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        parse_config(text)
    return [str(p) for p in failure.value.problems]


def test_parses_every_setting_and_normalises_base_url() -> None:
    config = parse_config('title = "T"\ndescription = "D"\nauthor = "A"\nlanguage = "en-GB"\nbase_url = "https://u.github.io/repo"\noutput_dir = "public"\n')
    assert config == SiteConfig("T", "D", "A", "en-GB", "https://u.github.io/repo/", "public")


def test_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        parse_config('title = "T"').title = "x"  # type: ignore[misc]


def test_reports_unknown_keys_and_wrong_types_together_with_lines() -> None:
    assert messages('title = 3\n\nfoo = "x"\n') == [
        "site.toml:1: 'title' must be a string, not an integer",
        "site.toml:3: unknown setting 'foo'; known settings: title, description, author, language, base_url, output_dir, cname, raw_html, bibliography, citation_style, search",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('base_url = "user.github.io"', "site.toml:1: 'base_url' must be an absolute http(s) URL such as https://user.github.io/repo/, not 'user.github.io'"),
        ('language = "english language"', "site.toml:1: 'language' must be a language tag such as 'en' or 'en-GB', not 'english language'"),
        ('output_dir = "../elsewhere"', "site.toml:1: 'output_dir' must be a folder inside the project, such as '_site', not '../elsewhere'"),
    ],
)
def test_rejects_unusable_values(line: str, expected: str) -> None:
    assert messages(line) == [expected]


def test_toml_syntax_error_names_the_line() -> None:
    assert messages('title = "ok"\nauthor = \n') == ["site.toml:2: not valid TOML: Invalid value"]


def test_missing_file_gives_defaults_and_a_notice(tmp_path: Path) -> None:
    config, notices = load_config(tmp_path)
    assert config == SiteConfig()
    assert notices == (f"site.toml not found in {tmp_path}; using default settings",)
