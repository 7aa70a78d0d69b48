"""The page cache's entries: JSON values and text, each sealed under its kind, key and form."""

from __future__ import annotations

from pathlib import Path

from site_builder.write.page_cache import PageCache

KEY = "ab" + "0" * 62


def test_text_and_json_entries_come_back_as_stored(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put_text("html", KEY, "<p>\u03c3(x) \u2014 a \U0001d465</p>")
    cache.put("body", KEY, {"toc": [], "math_count": 1})
    assert cache.get_text("html", KEY) == "<p>\u03c3(x) \u2014 a \U0001d465</p>"
    assert cache.get("body", KEY) == {"toc": [], "math_count": 1}
    assert (cache.hits, cache.misses) == (2, 0)


def test_an_entry_moved_to_another_form_or_kind_is_not_trusted(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put("html", KEY, "<p>as JSON</p>")
    json_file = tmp_path / "html" / KEY[:2] / f"{KEY}.json"
    json_file.rename(json_file.with_suffix(".txt"))  # same bytes, now where text is looked for
    cache.put_text("html", "cd" + KEY[2:], "<p>elsewhere</p>")
    other = tmp_path / "html" / "cd" / f"cd{KEY[2:]}.txt"
    (tmp_path / "sections" / "cd").mkdir(parents=True)
    other.rename(tmp_path / "sections" / "cd" / other.name)
    assert cache.get_text("html", KEY) is None
    assert cache.get_text("sections", "cd" + KEY[2:]) is None
    assert cache.misses == 2


def test_a_damaged_text_entry_counts_as_absent(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put_text("html", KEY, "<p>words</p>")
    path = tmp_path / "html" / KEY[:2] / f"{KEY}.txt"
    path.write_bytes(path.read_bytes().replace(b"words", b"WORDS"))
    assert cache.get_text("html", KEY) is None
    assert PageCache(tmp_path, read=False).get_text("html", KEY) is None  # --force reads nothing
    assert cache.misses == 1


def test_tidy_deletes_entries_unused_for_a_month_once_a_day_and_nothing_else(tmp_path: Path) -> None:
    import os
    from site_builder.write.page_cache import KEEP_UNUSED_DAYS

    now = 1_900_000_000.0
    month = KEEP_UNUSED_DAYS * 24 * 3600
    old, used, recent = ("ab" + c * 62 for c in "123")
    cache = PageCache(tmp_path)
    for key in (old, used, recent):
        cache.put("body", key, {"key": key})
    mine = tmp_path / "body" / "ab" / "notes.txt"  # not named as an entry: never ours to delete
    mine.write_text("keep")
    for key, age in ((old, month + 60), (used, month + 60), (recent, month - 60)):
        os.utime(tmp_path / "body" / "ab" / f"{key}.json", (now - age, now - age))
    os.utime(mine, (now - 2 * month, now - 2 * month))
    later = PageCache(tmp_path)
    assert later.get("body", used) == {"key": used}
    assert later.tidy(now) == 1
    assert sorted(p.name for p in (tmp_path / "body" / "ab").iterdir()) == sorted([f"{used}.json", f"{recent}.json", "notes.txt"])
    os.utime(tmp_path / "body" / "ab" / f"{recent}.json", (now - 2 * month, now - 2 * month))
    assert PageCache(tmp_path).tidy(now + 3600) == 0  # swept an hour ago
    assert PageCache(tmp_path).tidy(now + 25 * 3600) == 1


def test_tidy_of_a_cache_that_was_never_written_does_nothing(tmp_path: Path) -> None:
    assert PageCache(tmp_path / "absent").tidy() == 0
    assert not (tmp_path / "absent").exists()
