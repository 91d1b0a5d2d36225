//! The translation workflow on small catalogues: what the drift check reports, and what
//! `just i18n-update` (scripts/i18n: gettext's msgmerge), export/import (msggrep, msgcat) and
//! `just i18n-split` do to a translator's work. Needs GNU gettext.

use i18n::{Message, ProblemKind, check};
use std::path::PathBuf;
use std::process::Command;

const PAGE: &str = "src/lessons/01-raw-cookies.md";
const OTHER: &str = "src/instructors.md";

fn message(page: &str, msgid: &str, msgstr: &str) -> Message {
    let mut m = Message::new(msgid);
    m.references = vec![page.to_string()];
    m.msgstr = vec![msgstr.to_string()];
    m
}

fn noted(mut m: Message, note: &str) -> Message {
    m.notes.push(note.to_string());
    m
}

fn kinds(catalog: &[Message], pot: &[Message]) -> Vec<ProblemKind> {
    check(catalog, &[], pot).into_iter().map(|p| p.kind).collect()
}

#[test]
fn each_kind_of_drift_is_reported_with_its_page() {
    let pot = [message(PAGE, "Raw cookies", ""), message(OTHER, "Teaching", "")];
    let mut fuzzy = message(PAGE, "Raw cookies", "Cookie mentah");
    fuzzy.fuzzy = true;
    let catalog = [fuzzy, message(OTHER, "Gone", "Hilang")];
    let obsolete = [message("(no page)", "Older", "Lama")];
    let problems = check(&catalog, &obsolete, &pot);
    let found: Vec<(ProblemKind, String)> =
        problems.iter().map(|p| (p.kind.clone(), p.page.clone())).collect();
    assert_eq!(
        found,
        [
            (ProblemKind::Fuzzy, PAGE.to_string()),
            (ProblemKind::Missing, OTHER.to_string()),
            (ProblemKind::Obsolete, OTHER.to_string()),
            (ProblemKind::Obsolete, "(no page)".to_string()),
        ]
    );
    assert!(problems[0].to_string().starts_with("src/lessons/01-raw-cookies.md: fuzzy"));
    let untranslated = [message(PAGE, "Raw cookies", ""), message(OTHER, "Teaching", "Mengajar")];
    assert_eq!(kinds(&untranslated, &pot), [ProblemKind::Untranslated]);
}

#[test]
fn a_translation_must_keep_the_code_and_the_link_targets() {
    let english = "Run `just run 01` and read [lesson 02](02-login-form.md).";
    let pot = [message(PAGE, english, "")];
    let good = "Jalankan `just run 01` dan baca [pelajaran 02](02-login-form.md).";
    assert!(kinds(&[message(PAGE, english, good)], &pot).is_empty());
    let bad = "Jalankan `just jalankan 01` dan baca [pelajaran 02](02-formulir.md).";
    assert_eq!(
        kinds(&[message(PAGE, english, bad)], &pot),
        [
            ProblemKind::CodeChanged("just run 01".into()),
            ProblemKind::CodeChanged("02-login-form.md".into())
        ]
    );
}

#[test]
fn code_is_its_own_translation() {
    let pot = [noted(message(PAGE, "\"username\"", ""), i18n::CODE_NOTE)];
    assert!(kinds(&[message(PAGE, "\"username\"", "\"username\"")], &pot).is_empty());
    assert_eq!(
        kinds(&[message(PAGE, "\"username\"", "\"nama_pengguna\"")], &pot),
        [ProblemKind::CodeTranslated]
    );
}

#[test]
fn a_translated_comment_in_code_keeps_its_markers_and_its_line_break() {
    let english = "// The whole site, not only `/set_cookie/...`.\n";
    let pot = [noted(message(PAGE, english, ""), i18n::COMMENT_NOTE)];
    let with = |msgstr: &str| kinds(&[message(PAGE, english, msgstr)], &pot);
    assert!(with("// Seluruh situs, bukan hanya `/set_cookie/...`.\n").is_empty());
    assert!(
        with("// Seluruh situs,\n// bukan hanya `/set_cookie/...`.\n").is_empty(),
        "a longer translation may take two comment lines"
    );
    for broken in [
        "Seluruh situs, bukan hanya `/set_cookie/...`.\n",
        "// Seluruh situs, bukan hanya `/set_cookie/...`.",
        "// Seluruh situs,\nbukan hanya `/set_cookie/...`.\n",
    ] {
        assert_eq!(with(broken), [ProblemKind::CommentBroken], "{broken:?}");
    }
}

/// A scratch folder with a POT and a catalogue, and scripts/i18n pointed at them.
struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    /// `None` when GNU gettext is not installed: the test says it skipped (under `CI`, where
    /// .ci/run installs gettext, it fails instead). `just test` needs no gettext otherwise.
    fn new(name: &str, pot: &[Message], catalogue: &str) -> Option<Self> {
        let found = std::process::Command::new("msgmerge").arg("--version").output().is_ok();
        if !found {
            assert!(std::env::var_os("CI").is_none(), "{}", i18n::GETTEXT_MISSING);
            // Straight to standard error: libtest shows `eprintln!` of a passing test only on
            // failure, and this one did not run.
            use std::io::Write as _;
            let line = format!("skipped the {name} workflow test: {}\n", i18n::GETTEXT_MISSING);
            let _ = std::io::stderr().write_all(line.as_bytes());
            return None;
        }
        let dir = std::env::temp_dir().join(format!("i18n-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        i18n::write_pot(&dir.join("messages.pot"), pot).expect("the POT");
        std::fs::write(dir.join("id.po"), catalogue).expect("the catalogue");
        Some(Workspace { dir })
    }

    fn po(&self) -> PathBuf {
        self.dir.join("id.po")
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.po()).expect("the catalogue")
    }

    /// `scripts/i18n ARGS` on this catalogue; its standard output.
    fn run(&self, args: &[&str]) -> String {
        let script = i18n::workspace_root().join("scripts").join("i18n");
        let output = Command::new(script)
            .args(args)
            .env("I18N_PO", self.po())
            .env("I18N_POT", self.dir.join("messages.pot"))
            .env("I18N_WORK", self.dir.join("work"))
            .output()
            .expect("scripts/i18n runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "scripts/i18n {args:?}: {stderr}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn gettext(&self, program: &str, args: &[&str]) {
        let status = Command::new(program)
            .args(args)
            .current_dir(&self.dir)
            .status()
            .expect(i18n::GETTEXT_MISSING);
        assert!(status.success(), "{program} {args:?}");
    }

    fn check(&self, pot: &[Message]) -> Vec<(ProblemKind, String)> {
        let catalog = i18n::read_po(&self.po()).expect("the catalogue reads");
        let obsolete =
            i18n::read_obsolete(&self.po(), &self.dir.join("work")).expect("msgattrib runs");
        check(&catalog, &obsolete, pot).into_iter().map(|p| (p.kind, p.page)).collect()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const HEADER: &str = "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: session-lessons\\n\"\n\
                      \"POT-Creation-Date: \\n\"\n\"PO-Revision-Date: \\n\"\n\
                      \"Last-Translator: \\n\"\n\"Language-Team: \\n\"\n\"Language: id\\n\"\n\
                      \"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\
                      \"Content-Transfer-Encoding: 8bit\\n\"\n\
                      \"Plural-Forms: nplurals=1; plural=0;\\n\"\n";

fn entry(page: &str, msgid: &str, msgstr: &str) -> String {
    format!("\n#: {page}\nmsgid \"{msgid}\"\nmsgstr \"{msgstr}\"\n")
}

const BROWSER: &str = "The browser sends the cookie back on every request.";
const BROWSER_ID: &str = "Browser mengirim cookie kembali pada setiap request.";

#[test]
fn an_update_leaves_an_up_to_date_catalogue_byte_for_byte_unchanged() {
    let pot = [message(PAGE, "Raw cookies", ""), message(PAGE, BROWSER, "")];
    let text = format!(
        "{HEADER}{}{}",
        entry(PAGE, "Raw cookies", "Cookie mentah"),
        entry(PAGE, BROWSER, BROWSER_ID)
    );
    let Some(ws) = Workspace::new("unchanged", &pot, &text) else { return };
    ws.run(&["update"]);
    assert_eq!(ws.text(), text);
    assert!(ws.check(&pot).is_empty());
}

#[test]
fn a_changed_english_sentence_becomes_fuzzy_and_the_check_names_its_page() {
    let changed = "The browser sends the cookie back on every later request.";
    let pot = [message(PAGE, "Raw cookies", ""), message(PAGE, changed, "")];
    let text = format!(
        "{HEADER}{}{}",
        entry(PAGE, "Raw cookies", "Cookie mentah"),
        entry(PAGE, BROWSER, BROWSER_ID)
    );
    let Some(ws) = Workspace::new("fuzzy", &pot, &text) else { return };
    assert_eq!(
        ws.check(&pot),
        [(ProblemKind::Missing, PAGE.into()), (ProblemKind::Obsolete, PAGE.into())],
        "before the update"
    );
    ws.run(&["update"]);
    let merged = ws.text();
    assert!(merged.contains(&format!(
        "#, fuzzy\n#| msgid \"{BROWSER}\"\nmsgid \"{changed}\"\nmsgstr \"{BROWSER_ID}\"\n"
    )));
    assert_eq!(ws.check(&pot), [(ProblemKind::Fuzzy, PAGE.into())], "after the update");
    ws.run(&["update"]);
    assert_eq!(ws.text(), merged, "a second update changes nothing");
}

#[test]
fn new_code_is_filled_in_with_itself_and_removed_text_is_kept_as_obsolete_until_dropped() {
    let pot = [
        message(PAGE, "Raw cookies", ""),
        noted(message(PAGE, "\"username\"", ""), i18n::CODE_NOTE),
    ];
    let text = format!(
        "{HEADER}{}{}",
        entry(PAGE, "Raw cookies", "Cookie mentah"),
        entry(OTHER, "A paragraph for teachers that is gone.", "Paragraf yang sudah hilang.")
    );
    let Some(ws) = Workspace::new("obsolete", &pot, &text) else { return };
    ws.run(&["update"]);
    let merged = ws.text();
    assert!(
        merged.contains("msgid \"\\\"username\\\"\"\nmsgstr \"\\\"username\\\"\"\n"),
        "{merged}"
    );
    assert!(merged.contains("#~ msgid \"A paragraph for teachers that is gone.\"\n"), "{merged}");
    assert_eq!(ws.check(&pot), [(ProblemKind::Obsolete, "(no page)".into())]);
    ws.gettext("msgattrib", &["--no-obsolete", "-o", "id.po", "id.po"]);
    assert!(ws.check(&pot).is_empty());
}

#[test]
fn one_page_exported_translated_and_imported_back_takes_only_that_work() {
    let pot = [message(PAGE, "Raw cookies", ""), message(OTHER, "Teaching", "")];
    let text =
        format!("{HEADER}{}{}", entry(PAGE, "Raw cookies", ""), entry(OTHER, "Teaching", ""));
    let Some(ws) = Workspace::new("import", &pot, &text) else { return };
    ws.gettext("msggrep", &["-N", PAGE, "-o", "01.po", "id.po"]);
    let part = std::fs::read_to_string(ws.dir.join("01.po")).unwrap();
    assert!(part.contains("Raw cookies") && !part.contains("Teaching"), "{part}");
    let done = part.replace(
        "msgid \"Raw cookies\"\nmsgstr \"\"",
        "msgid \"Raw cookies\"\nmsgstr \"Cookie mentah\"",
    );
    std::fs::write(ws.dir.join("01.po"), done).unwrap();
    ws.gettext("msgcat", &["--use-first", "-o", "id.po", "01.po", "id.po"]);
    ws.run(&["update"]);
    assert_eq!(
        ws.text(),
        format!(
            "{HEADER}{}{}",
            entry(PAGE, "Raw cookies", "Cookie mentah"),
            entry(OTHER, "Teaching", "")
        )
    );
}

#[test]
fn a_split_gives_each_message_to_one_page_and_leaves_out_finished_work() {
    let pot =
        [message(PAGE, "Try it", ""), message(PAGE, "Done", ""), message(OTHER, "Teaching", "")];
    let shared =
        "\n#: src/lessons/01-raw-cookies.md src/instructors.md\nmsgid \"Try it\"\nmsgstr \"\"\n";
    let text = format!(
        "{HEADER}{shared}{}{}",
        entry(PAGE, "Done", "Selesai"),
        entry(OTHER, "Teaching", "")
    );
    let Some(ws) = Workspace::new("split", &pot, &text) else { return };
    let out = ws.dir.join("parts");
    let printed = ws.run(&["split", out.to_str().unwrap()]);
    assert!(printed.ends_with("2 messages to translate, each in one file\n"), "{printed}");
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let first = read("lessons-01-raw-cookies.po");
    assert!(first.contains("Try it") && !first.contains("Done"), "{first}");
    let second = read("instructors.po");
    assert!(second.contains("Teaching") && !second.contains("Try it"), "{second}");
    let status = ws.run(&["status"]);
    assert!(
        status.contains("         1      0            1  src/lessons/01-raw-cookies.md"),
        "{status}"
    );
    assert!(status.contains("         0      0            2  src/instructors.md"), "{status}");
}
