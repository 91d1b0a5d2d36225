//! The Indonesian edition cannot drift from the English book. The English messages are extracted
//! afresh (mdbook-xgettext, as `just i18n-update` does) and docs/po/id.po must have each of them
//! translated, none fuzzy, and no entry the book no longer has. A changed English sentence
//! therefore fails `just test` until its translation is updated. Needs mdbook and
//! mdbook-i18n-helpers (.ci/run installs them).

use i18n::po::Catalog;
use std::sync::OnceLock;

/// The POT, extracted once for all the tests of this file.
fn pot() -> &'static Catalog {
    static POT: OnceLock<Catalog> = OnceLock::new();
    POT.get_or_init(|| {
        i18n::generate_pot(&i18n::workspace_root()).unwrap_or_else(|e| panic!("{e}"))
    })
}

#[test]
fn the_indonesian_catalogue_translates_every_english_message_and_nothing_else() {
    let root = i18n::workspace_root();
    let path = i18n::catalog_path(&root, "id");
    let catalog = i18n::read_catalog(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.header_field("Language"), Some("id"), "the header of {}", path.display());
    let problems = i18n::check(&catalog, pot());
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
fn every_page_of_the_book_is_in_the_catalogue_including_the_included_task_texts() {
    let root = i18n::workspace_root();
    let summary = std::fs::read_to_string(root.join("docs/src/SUMMARY.md")).unwrap();
    let pages: Vec<String> = i18n::status(pot()).into_iter().map(|row| row.page).collect();
    let linked =
        summary.split("](").skip(1).filter_map(|rest| rest.split_once(')')).map(|(link, _)| link);
    let mut count = 0;
    for link in linked.filter(|link| link.ends_with(".md")) {
        count += 1;
        assert!(pages.contains(&format!("src/{link}")), "no message of {link} was extracted");
    }
    assert!(count >= 20, "SUMMARY.md lists {count} pages");
    // An exercise page is one {{#include}} of the exercise's TASK.md: its text must be extracted
    // as the reader sees it, not as the include line.
    let task = std::fs::read_to_string(root.join("exercises/01-raw-cookies/TASK.md")).unwrap();
    let title = task.lines().next().unwrap().trim_start_matches('#').trim();
    assert!(pot().find(None, title).is_some(), "the task title `{title}` is not a message");
    assert!(
        pot().entries.iter().all(|e| !e.msgid.contains("{{#include")),
        "an include line was extracted"
    );
}
