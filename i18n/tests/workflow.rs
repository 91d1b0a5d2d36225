//! The translation workflow on small catalogues: what `just i18n-update`, `import`, `export`,
//! `prune` and the drift check do to a translator's work.

use i18n::po::{Catalog, Entry, parse, write};
use i18n::{ProblemKind, check, export, import, merge, prune, status};

fn message(page: &str, msgid: &str, msgstr: &str) -> Entry {
    let mut entry = Entry::new(msgid);
    entry.references = vec![page.to_string()];
    entry.msgstr = vec![msgstr.to_string()];
    entry
}

fn pot(messages: &[(&str, &str)]) -> Catalog {
    Catalog {
        entries: messages.iter().map(|(page, msgid)| message(page, msgid, "")).collect(),
        ..Catalog::default()
    }
}

fn translated(messages: &[(&str, &str, &str)]) -> Catalog {
    Catalog {
        header: i18n::new_header("id"),
        entries: messages
            .iter()
            .map(|(page, msgid, msgstr)| message(page, msgid, msgstr))
            .collect(),
    }
}

const PAGE: &str = "src/lessons/01-raw-cookies.md";
const OTHER: &str = "src/instructors.md";

#[test]
fn an_update_keeps_translations_of_unchanged_english_text() {
    let old = translated(&[(PAGE, "Raw cookies", "Cookie mentah")]);
    let (merged, summary) = merge(&old, &pot(&[(PAGE, "Raw cookies")]), "id");
    assert_eq!(merged.entries, old.entries);
    assert_eq!(summary.kept, 1);
    assert!(check(&merged, &pot(&[(PAGE, "Raw cookies")])).is_empty());
}

#[test]
fn a_changed_english_sentence_becomes_fuzzy_with_its_old_translation_and_old_english() {
    let old = translated(&[(
        PAGE,
        "The browser sends the cookie back on every request.",
        "Browser mengirim cookie kembali pada setiap request.",
    )]);
    let new = pot(&[(PAGE, "The browser sends the cookie back on every later request.")]);
    let (merged, summary) = merge(&old, &new, "id");
    assert_eq!(summary.fuzzy, 1);
    let entry = &merged.entries[0];
    assert!(entry.is_fuzzy());
    assert_eq!(entry.msgstr, ["Browser mengirim cookie kembali pada setiap request."]);
    assert_eq!(
        entry.previous_msgid.as_deref(),
        Some("The browser sends the cookie back on every request.")
    );
    assert_eq!(merged.entries.len(), 1, "the old English is not also kept as obsolete");
    let problems = check(&merged, &new);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::Fuzzy);
    assert_eq!(problems[0].page, PAGE);
}

#[test]
fn new_english_text_is_untranslated_and_reported_with_its_page() {
    let old = translated(&[(PAGE, "Raw cookies", "Cookie mentah")]);
    let new = pot(&[(PAGE, "Raw cookies"), (OTHER, "A completely new paragraph for teachers.")]);
    let (merged, summary) = merge(&old, &new, "id");
    assert_eq!((summary.kept, summary.new), (1, 1));
    let problems = check(&merged, &new);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::Untranslated);
    assert_eq!(problems[0].page, OTHER);
    assert!(
        problems[0].to_string().starts_with("src/instructors.md: untranslated"),
        "{}",
        problems[0]
    );
}

#[test]
fn removed_english_text_keeps_its_translation_as_obsolete_until_pruned() {
    let old = translated(&[(PAGE, "Raw cookies", "Cookie mentah"), (OTHER, "Gone", "Hilang")]);
    let new = pot(&[(PAGE, "Raw cookies")]);
    let (mut merged, summary) = merge(&old, &new, "id");
    assert_eq!(summary.obsolete, 1);
    let gone = merged.entries.iter().find(|e| e.msgid == "Gone").unwrap();
    assert!(gone.obsolete);
    assert_eq!(gone.msgstr, ["Hilang"]);
    assert!(write(&merged).contains("#~ msgid \"Gone\"\n#~ msgstr \"Hilang\"\n"));
    let problems = check(&merged, &new);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].kind.clone(), problems[0].page.as_str()),
        (ProblemKind::Obsolete, OTHER)
    );
    assert_eq!(prune(&mut merged), 1);
    assert!(check(&merged, &new).is_empty());
}

#[test]
fn text_that_comes_back_gets_its_obsolete_translation_back() {
    let old = translated(&[(OTHER, "Gone", "Hilang")]);
    let (without, _) = merge(&old, &pot(&[]), "id");
    let (with, summary) = merge(&without, &pot(&[(OTHER, "Gone")]), "id");
    assert_eq!(summary.kept, 1);
    assert!(!with.entries[0].obsolete && with.entries[0].is_translated());
}

#[test]
fn a_first_update_makes_an_indonesian_catalogue_with_empty_translations() {
    let (fresh, summary) =
        merge(&Catalog::default(), &pot(&[(PAGE, "Raw cookies"), (OTHER, "Teaching")]), "id");
    assert_eq!(summary.new, 2);
    assert_eq!(fresh.header_field("Language"), Some("id"));
    assert_eq!(fresh.header_field("Plural-Forms"), Some("nplurals=1; plural=0;"));
    assert!(fresh.entries.iter().all(|e| e.msgstr == [""]));
    assert_eq!(parse(&write(&fresh)).unwrap(), fresh);
}

#[test]
fn a_missing_entry_is_reported_until_the_catalogue_is_updated() {
    let catalog = translated(&[]);
    let problems = check(&catalog, &pot(&[(PAGE, "Raw cookies")]));
    assert_eq!(problems[0].kind, ProblemKind::Missing);
    assert_eq!(problems[0].page, PAGE);
}

#[test]
fn a_translation_must_keep_the_code_and_the_link_targets() {
    let english = "Run `just run 01` and read [lesson 02](02-login-form.md).";
    let new = pot(&[(PAGE, english)]);
    let good = translated(&[(
        PAGE,
        english,
        "Jalankan `just run 01` dan baca [pelajaran 02](02-login-form.md).",
    )]);
    assert!(check(&good, &new).is_empty());
    let bad = translated(&[(
        PAGE,
        english,
        "Jalankan `just jalankan 01` dan baca [pelajaran 02](02-formulir.md).",
    )]);
    let kinds: Vec<ProblemKind> = check(&bad, &new).into_iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ProblemKind::CodeChanged("just run 01".into()),
            ProblemKind::CodeChanged("02-login-form.md".into())
        ]
    );
}

#[test]
fn status_counts_each_page_in_the_books_order() {
    let mut catalog =
        translated(&[(PAGE, "a", "A"), (PAGE, "b", ""), (OTHER, "c", "C"), (PAGE, "d", "D")]);
    catalog.entries[3].set_fuzzy(true);
    let rows = status(&catalog);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].page.as_str(), rows[0].translated, rows[0].fuzzy, rows[0].untranslated),
        (PAGE, 1, 1, 1)
    );
    assert_eq!((rows[1].page.as_str(), rows[1].translated), (OTHER, 1));
}

#[test]
fn export_and_import_round_trip_one_page_of_translations() {
    let mut catalog = translated(&[(PAGE, "Raw cookies", ""), (OTHER, "Teaching", "")]);
    let page = i18n::find_page(&catalog, "lessons/01-raw-cookies").unwrap();
    let mut part = export(&catalog, &page);
    assert_eq!(part.entries.len(), 1);
    assert_eq!(part.header_field("Language"), Some("id"));
    part.entries[0].msgstr = vec!["Cookie mentah".into()];
    let mut stray = Entry::new("English that changed meanwhile");
    stray.msgstr = vec!["Terjemahan".into()];
    part.entries.push(stray);
    let summary = import(&mut catalog, &parse(&write(&part)).unwrap());
    assert_eq!(summary.updated, 1);
    assert_eq!(summary.unknown, ["English that changed meanwhile"]);
    assert_eq!(catalog.entries[0].msgstr, ["Cookie mentah"]);
    assert_eq!(catalog.entries.len(), 2, "unknown text is not added to the catalogue");
    assert_eq!(import(&mut catalog, &part).unchanged, 1);
}

#[test]
fn a_page_name_that_fits_several_pages_must_be_said_in_full() {
    let catalog = translated(&[(PAGE, "a", ""), ("src/exercises/01-raw-cookies.md", "b", "")]);
    assert!(i18n::find_page(&catalog, "01-raw-cookies").is_err());
    assert_eq!(
        i18n::find_page(&catalog, "exercises/01-raw-cookies").unwrap(),
        "src/exercises/01-raw-cookies.md"
    );
    assert!(i18n::find_page(&catalog, "no-such-page").is_err());
}

fn with_note(mut entry: Entry, note: &str) -> Entry {
    entry.extracted_comments.push(note.to_string());
    entry
}

#[test]
fn code_is_its_own_translation_and_a_translated_literal_is_refused() {
    let literal = with_note(message(PAGE, "\"username\"", ""), i18n::CODE_NOTE);
    let pot = Catalog { entries: vec![literal.clone()], ..Catalog::default() };
    let (mut merged, _) = merge(&Catalog::default(), &pot, "id");
    assert_eq!(merged.entries[0].msgstr, ["\"username\""], "pre-filled by the update");
    assert!(check(&merged, &pot).is_empty());

    let mut translated = merged.clone();
    translated.entries[0].msgstr = vec!["\"nama_pengguna\"".into()];
    assert_eq!(check(&translated, &pot)[0].kind, ProblemKind::CodeTranslated);
    let summary = import(&mut merged, &translated);
    assert_eq!(summary.code_kept, ["\"username\""]);
    assert_eq!(merged.entries[0].msgstr, ["\"username\""], "the import left the code alone");
}

#[test]
fn a_translated_comment_in_code_keeps_its_markers_and_its_line_break() {
    let english = "// The whole site, not only `/set_cookie/...`.\n";
    let pot = Catalog {
        entries: vec![with_note(message(PAGE, english, ""), i18n::COMMENT_NOTE)],
        ..Catalog::default()
    };
    let with = |msgstr: &str| translated(&[(PAGE, english, msgstr)]);
    assert!(check(&with("// Seluruh situs, bukan hanya `/set_cookie/...`.\n"), &pot).is_empty());
    assert!(
        check(&with("// Seluruh situs,\n// bukan hanya `/set_cookie/...`.\n"), &pot).is_empty(),
        "a longer translation may take two comment lines"
    );
    for broken in [
        "Seluruh situs, bukan hanya `/set_cookie/...`.\n",
        "// Seluruh situs, bukan hanya `/set_cookie/...`.",
        "// Seluruh situs,\nbukan hanya `/set_cookie/...`.\n",
    ] {
        let kinds: Vec<ProblemKind> =
            check(&with(broken), &pot).into_iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [ProblemKind::CommentBroken], "{broken:?}");
    }
}

#[test]
fn a_split_gives_each_message_to_one_page_and_leaves_out_code_and_finished_work() {
    let mut catalog =
        translated(&[(PAGE, "Try it", ""), (PAGE, "Done", "Selesai"), (OTHER, "Teaching", "")]);
    catalog.entries[0].references.push(OTHER.to_string());
    catalog.entries.push(with_note(message(OTHER, "\"user1\"", "\"user1\""), i18n::CODE_NOTE));
    let parts = i18n::split(&catalog);
    let names: Vec<(String, Vec<&str>)> = parts
        .iter()
        .map(|(page, part)| {
            (i18n::part_file_name(page), part.entries.iter().map(|e| e.msgid.as_str()).collect())
        })
        .collect();
    assert_eq!(
        names,
        [
            ("lessons-01-raw-cookies.po".to_string(), vec!["Try it"]),
            ("instructors.po".to_string(), vec!["Teaching"])
        ]
    );
}
