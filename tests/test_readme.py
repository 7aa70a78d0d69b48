"""The README's examples, built as a reader would copy them, say what the README says they say."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from site_builder.build import build
from site_builder.options import BuildOptions

README = Path(__file__).parents[1] / "README.md"


def readme_section(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n### {heading}\n")
    end = text.index("\n### ", start + 1)
    return text[start:end]


def test_the_model_menu_example_builds_and_quotes_the_numbers_the_readme_shows(tmp_path: Path) -> None:
    section = readme_section("Classifiers, deep networks and comparisons")
    (declarations,) = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    (prose,) = re.findall(r"```markdown\n(.*?)```", section, re.DOTALL)
    claimed = re.search(r'this reads "([^"]+)", "([^"]+)" and "([^"]+)" or "([^"]+)"', " ".join(section.split())).groups()
    article = tmp_path / "content" / "a" / "index.md"
    article.parent.mkdir(parents=True)
    (tmp_path / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    figures = "".join(f'\n\n![A figure.]({name} "A figure.")' for name in re.findall(r"^  (\S+\.(?:png|gif)):", declarations, re.MULTILINE))
    article.write_text(f"---\ntitle: A\ndate: 2026-01-01\n{declarations}---\n\n{prose}{figures}\n", encoding="utf-8")

    report = build(BuildOptions(root=tmp_path))

    assert sorted(report.figures_ran) == ["a/rates.png", "a/regions.gif", "a/vanishing.png"]
    page = html.unescape(re.sub(r"<[^>]+>", "", (report.out_dir / "a" / "index.html").read_text(encoding="utf-8")))
    sentence = " ".join(page[page.index("The ReLU network ends"):].split())
    expected = [
        f"The ReLU network ends at an error of {claimed[0]}; its first layer gets {claimed[1]} of the last layer's "
        f"gradient with sigmoid. On the spiral, test accuracy reaches {accuracy}." for accuracy in claimed[2:]
    ]
    assert sentence[: len(expected[0])] in expected


def test_the_playground_examples_build_into_the_settings_the_readme_describes(tmp_path: Path) -> None:
    section = readme_section("The playground: a trainer in the page")
    regression, classification = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    (tmp_path / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    for slug, front_matter in (("r", regression), ("c", classification)):
        article = tmp_path / "content" / slug / "index.md"
        article.parent.mkdir(parents=True)
        article.write_text(f"---\ntitle: {slug}\ndate: 2026-01-01\n{front_matter}---\n\nText.\n", encoding="utf-8")

    report = build(BuildOptions(root=tmp_path))

    fitted = (report.out_dir / "r" / "index.html").read_text(encoding="utf-8")
    assert 'data-target="square" data-hidden="2" data-activation="relu" data-lr="0.1" data-steps="2000" data-seed="1"' in fitted
    assert "static/playground/nn.js" in fitted and "mlp.js" not in fitted
    classifier = (report.out_dir / "c" / "index.html").read_text(encoding="utf-8")
    assert ('data-mode="classification" data-dataset="xor" data-noise="0.1" data-hidden="4" data-activation="relu" '
            'data-lr="0.03" data-batch-size="10"') in classifier
    assert "static/playground/mlp.js" in classifier and "static/playground/classifier.js" in classifier and "nn.js" not in classifier


def test_the_scholarly_examples_build_as_the_readme_says(tmp_path: Path) -> None:
    """Every Markdown example of the citations section, in one article beside the flagship's references.bib."""
    from PIL import Image

    section = readme_section("Citations, numbered equations and figures, sidenotes and callouts")
    blocks = re.findall(r"```markdown\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 4
    folder = tmp_path / "content" / "a"
    folder.mkdir(parents=True)
    (tmp_path / "site.toml").write_text('title = "T"\nauthor = "Ann Smith"\nbase_url = "https://ann.example/"\n', encoding="utf-8")
    shutil.copy(README.parent / "content" / "relu-guide" / "references.bib", folder / "references.bib")  # found without front matter
    Image.new("RGB", (8, 6), "white").save(folder / "ReLU.png")
    (folder / "index.md").write_text("---\ntitle: A\ndate: 2026-01-01\n---\n\n" + "\n\n".join(blocks), encoding="utf-8")

    report = build(BuildOptions(root=tmp_path))

    page = (report.out_dir / "a" / "index.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "ReLU took over after Nair and Hinton (2010) and Glorot et al. (2011)." in text
    assert "Leaky ReLU (Maas et al. 2013) keeps a small slope." in text
    assert "First proved for sigmoids (see Cybenko 1989, p. 303; Hornik et al. 1989)." in text
    assert "Unlike Equation (1), Figure 1 bends; see “Activation functions”." in text
    assert page.count('class="sidenote"') == 2 and 'class="footnote"' not in page
    assert 'class="callout callout--tip"' in page and 'class="callout callout--warning"' in page
    assert '<meta name="citation_public_url" content="https://ann.example/a/">' in page
