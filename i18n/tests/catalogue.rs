//! The Indonesian edition cannot drift from the English book. The English messages are extracted
//! afresh (mdbook-xgettext, as `just i18n-update` does) and docs/po/id.po must have each of them
//! translated, none fuzzy, and no entry the book no longer has (obsolete `#~` entries included).
//! A changed English sentence therefore fails `just test`, naming its page, until its
//! translation is updated. Needs mdbook, mdbook-i18n-helpers and GNU gettext (.ci/run installs
//! them).

use i18n::{Message, Problem};
use std::sync::OnceLock;

/// The POT and the problems, computed once for all the tests of this file. A missing tool is
/// said in one line (the error names it and how to install it).
fn checked() -> &'static (Vec<Message>, Vec<Problem>) {
    static CHECKED: OnceLock<(Vec<Message>, Vec<Problem>)> = OnceLock::new();
    CHECKED.get_or_init(|| {
        i18n::check_catalogue(&i18n::workspace_root(), "id").unwrap_or_else(|e| panic!("{e}"))
    })
}

#[test]
fn the_indonesian_catalogue_translates_every_english_message_and_nothing_else() {
    let (_, problems) = checked();
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "{}\n\ndocs/po/id.po does not match the English book (problems: {}). Run `just i18n-update`, \
         translate what is untranslated or fuzzy (`just i18n-status` shows where), and see README.md, \
         Translations.",
        list.join("\n"),
        problems.len()
    );
}

#[test]
fn the_catalogue_header_says_indonesian() {
    let path = i18n::catalog_path(&i18n::workspace_root(), "id");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains("\"Language: id\\n\""), "the header of {}", path.display());
}

#[test]
fn every_page_of_the_book_is_in_the_catalogue_including_the_included_task_texts() {
    let (pot, _) = checked();
    let root = i18n::workspace_root();
    let summary = std::fs::read_to_string(root.join("docs/src/SUMMARY.md")).unwrap();
    let pages: Vec<&str> = pot.iter().flat_map(|m| &m.references).map(String::as_str).collect();
    let linked =
        summary.split("](").skip(1).filter_map(|rest| rest.split_once(')')).map(|(link, _)| link);
    let mut count = 0;
    for link in linked.filter(|link| link.ends_with(".md")) {
        count += 1;
        assert!(
            pages.contains(&format!("src/{link}").as_str()),
            "no message of {link} was extracted"
        );
    }
    assert!(count >= 20, "SUMMARY.md lists {count} pages");
    // An exercise page is one {{#include}} of the exercise's TASK.md: its text must be extracted
    // as the reader sees it, not as the include line.
    let task = std::fs::read_to_string(root.join("exercises/01-raw-cookies/TASK.md")).unwrap();
    let title = task.lines().next().unwrap().trim_start_matches('#').trim();
    assert!(pot.iter().any(|m| m.msgid == title), "the task title `{title}` is not a message");
    assert!(pot.iter().all(|m| !m.msgid.contains("{{#include")), "an include line was extracted");
}
