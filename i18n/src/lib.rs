//! The book's translation tooling: the English book's messages (a POT made by mdbook-xgettext)
//! against a language's catalogue (`docs/po/id.po`). `just i18n-update`, `just i18n-status` and
//! the drift check in `just test` are built on these functions; `src/main.rs` is the command line.

pub mod po;

use po::{Catalog, Entry};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The languages the book is offered in besides English.
pub const LANGUAGE: &str = "id";

/// What failed, said for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// The checkout this crate is part of.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `docs/po/LANG.po`
pub fn catalog_path(root: &Path, language: &str) -> PathBuf {
    root.join("docs").join("po").join(format!("{language}.po"))
}

/// The renderers for extraction: mdbook-xgettext's POT, and the book as Markdown after the
/// preprocessors (to tell code from prose). Granularity 0: references name the page without a
/// line number (an included file's lines would not match the page's anyway), so an edit does not
/// rewrite every reference below it. No setting here changes a msgid.
pub const EXTRACT_OUTPUT: &str = r#"{"xgettext": {"granularity": 0}, "markdown": {}}"#;

/// A note (`#.`) on a message that is code shown in the book: a string literal, or a whole code
/// block without a known language. Its translation is the English, unchanged.
pub const CODE_NOTE: &str = "i18n: code, not prose: keep it exactly as it is (msgstr = msgid)";
/// A note on a comment in a code block: translated, keeping its markers and line breaks.
pub const COMMENT_NOTE: &str = "i18n: a comment in code: translate the words, keep each line's comment marker and the final line break";

/// Where the exercises' hints are gathered into a small book of their own, so that they are
/// extracted (and, for `i18n hint`, translated) by the same tools as the book.
fn hints_book(root: &Path) -> Result<PathBuf> {
    let book = root.join("target").join("i18n").join("hints-book");
    let io = |e: std::io::Error| {
        Error(format!("cannot write the hints book in {}: {e}", book.display()))
    };
    if book.exists() {
        std::fs::remove_dir_all(&book).map_err(io)?;
    }
    std::fs::create_dir_all(book.join("src")).map_err(io)?;
    let po_dir = root.join("docs").join("po");
    std::fs::write(
        book.join("book.toml"),
        format!(
            "[book]\nsrc = \"src\"\n\n[build]\ncreate-missing = false\n\n[preprocessor.gettext]\nafter = [\"links\"]\npo-dir = {:?}\n",
            po_dir.display().to_string()
        ),
    )
    .map_err(io)?;
    let mut summary = String::new();
    for hint in hint_files(root)? {
        let target = book.join("src").join(&hint);
        std::fs::create_dir_all(target.parent().unwrap_or(&book)).map_err(io)?;
        std::fs::copy(root.join(&hint), &target).map_err(io)?;
        summary.push_str(&format!("- [{HINT_TITLE}]({})\n", hint.display()));
    }
    std::fs::write(book.join("src").join("SUMMARY.md"), summary).map_err(io)?;
    Ok(book)
}

/// The chapter title of every page of the hints book (never shown, never extracted).
const HINT_TITLE: &str = "hint";

/// `exercises/NN-slug/hints/K.md`, relative to the checkout, in order.
pub fn hint_files(root: &Path) -> Result<Vec<PathBuf>> {
    let list = |dir: &Path| -> Result<Vec<PathBuf>> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error(format!("cannot list {}: {e}", dir.display())))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        names.sort();
        Ok(names)
    };
    let mut hints = Vec::new();
    for exercise in list(&root.join("exercises"))? {
        let dir = exercise.join("hints");
        if !dir.is_dir() {
            continue;
        }
        for hint in list(&dir)? {
            if hint.extension().is_some_and(|ext| ext == "md") {
                hints.push(hint.strip_prefix(root).unwrap_or(&hint).to_path_buf());
            }
        }
    }
    Ok(hints)
}

/// Runs `mdbook build` on `book` with the given renderers and environment, into `dest`.
fn mdbook(book: &Path, dest: &Path, output: &str, language: Option<&str>) -> Result<()> {
    let mut command = Command::new("mdbook");
    command.arg("build").arg(book).arg("--dest-dir").arg(dest).env("MDBOOK_OUTPUT", output);
    match language {
        Some(language) => command.env("MDBOOK_BOOK__LANGUAGE", language),
        None => command.env_remove("MDBOOK_BOOK__LANGUAGE"),
    };
    let output = command.output().map_err(|e| {
        Error(format!(
            "cannot run mdbook ({e}): install it and mdbook-i18n-helpers (README.md, Translations)"
        ))
    })?;
    let log = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || log.contains("ERROR") || log.contains("WARN") {
        return Err(Error(format!("mdbook build {} failed:\n{log}", book.display())));
    }
    Ok(())
}

/// The Markdown files under `dir` split in two: the text of every fenced code block, and the rest.
fn code_and_prose(dir: &Path) -> Result<(String, String)> {
    let mut code = String::new();
    let mut prose = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error(format!("cannot list {}: {e}", dir.display())))?;
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Error(format!("{}: {e}", path.display())))?;
                // The open fence: its character, length and indentation (a block in a list is
                // indented; its text, as extracted, is not).
                let mut open: Option<(char, usize, usize)> = None;
                for line in text.lines() {
                    let trimmed = line.trim_start();
                    let indent = line.len() - trimmed.len();
                    let fence =
                        trimmed.chars().next().filter(|c| *c == '`' || *c == '~').and_then(|c| {
                            let n = trimmed.chars().take_while(|x| *x == c).count();
                            (n >= 3).then_some((c, n))
                        });
                    match (open, fence) {
                        (None, Some((c, n))) => {
                            open = Some((c, n, indent));
                            code.push('\u{0}');
                        }
                        (Some((c, n, _)), Some((d, m)))
                            if c == d && m >= n && trimmed.trim_end().len() == m =>
                        {
                            open = None;
                        }
                        (Some((_, _, at)), _) => {
                            code.push_str(&line[indent.min(at)..]);
                            code.push('\n');
                        }
                        (None, None) => {
                            prose.push_str(line);
                            prose.push('\n');
                        }
                    }
                }
            }
        }
    }
    Ok((code, prose))
}

/// The comment marker a message of a code block starts with, if it is a comment.
pub fn comment_marker(msgid: &str) -> Option<&'static str> {
    ["///", "//!", "//", "/*", "<!--", "{#", "--", "#"]
        .into_iter()
        .find(|marker| msgid.starts_with(marker))
}

/// Whether a message is code to keep: a whole code block (extracted whole when its language is
/// unknown), or a string literal or part of one (`"..."`, `b'.'`, the pieces of a Python
/// f-string around `{...}`), that is: text of a code block that is not a comment and either is
/// quoted or is found in no prose of the book.
fn is_code(msgid: &str, code: &str, prose: &str) -> bool {
    if msgid.starts_with("```") || msgid.starts_with("~~~") {
        return true;
    }
    // Nothing to translate: a number, a figure (`**2.08×**`), a table cell of digits. Such cells
    // change with every `just bench`; kept as they are, they never need a translator.
    if !msgid.chars().any(char::is_alphabetic) {
        return true;
    }
    if comment_marker(msgid).is_some() || !code.contains(msgid) {
        return false;
    }
    let unprefixed = msgid.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let quoted = msgid.len() - unprefixed.len() <= 2
        && (unprefixed.starts_with(['"', '\'']) || msgid.ends_with(['"', '\'']));
    quoted || !prose.contains(msgid)
}

/// Marks the messages that are code (`CODE_NOTE`) and comments in code (`COMMENT_NOTE`).
fn annotate(pot: &mut Catalog, code: &str, prose: &str) {
    for entry in &mut pot.entries {
        let note = if is_code(&entry.msgid, code, prose) {
            CODE_NOTE
        } else if comment_marker(&entry.msgid).is_some() && code.contains(entry.msgid.as_str()) {
            COMMENT_NOTE
        } else {
            continue;
        };
        entry.extracted_comments.push(note.to_string());
    }
}

/// Extracts the English messages: the book's (mdbook-xgettext after the `links` preprocessor,
/// so `{{#include}}`d text is extracted as the reader sees it), then the exercises' hints
/// (referenced as `exercises/NN-slug/hints/K.md`), with code and comments in code marked.
pub fn generate_pot(root: &Path) -> Result<Catalog> {
    let out = root.join("target").join("i18n");
    let read = |dir: &Path| read_catalog(&dir.join("xgettext").join("messages.pot"));
    mdbook(&root.join("docs"), &out.join("book"), EXTRACT_OUTPUT, None)?;
    let mut pot = read(&out.join("book"))?;
    let (mut code, mut prose) = code_and_prose(&out.join("book").join("markdown"))?;
    // The part titles of the table of contents are prose that is on no page.
    prose.push_str(&std::fs::read_to_string(root.join("docs/src/SUMMARY.md")).unwrap_or_default());

    let hints = hints_book(root)?;
    mdbook(&hints, &out.join("hints"), EXTRACT_OUTPUT, None)?;
    let hint_pot = read(&out.join("hints"))?;
    let (hint_code, hint_prose) = code_and_prose(&out.join("hints").join("markdown"))?;
    code.push_str(&hint_code);
    prose.push_str(&hint_prose);
    for mut entry in hint_pot.entries {
        // The hints book's SUMMARY is scaffolding; its pages are the hint files themselves.
        entry.references.retain(|r| !r.starts_with("src/SUMMARY.md"));
        if entry.references.is_empty() {
            continue;
        }
        for reference in &mut entry.references {
            if let Some(path) = reference.strip_prefix("src/") {
                *reference = path.to_string();
            }
        }
        match pot.entries.iter_mut().find(|e| e.key() == entry.key()) {
            Some(existing) => existing.references.extend(entry.references),
            None => pot.entries.push(entry),
        }
    }
    for (at, name) in BOOK_FIELDS.into_iter().enumerate() {
        let value = book_field(root, name)?;
        match pot.entries.iter_mut().find(|e| e.msgctxt.is_none() && e.msgid == value) {
            Some(existing) => existing.references.push("book.toml".to_string()),
            None => {
                let mut entry = Entry::new(value);
                entry.references.push("book.toml".to_string());
                entry.extracted_comments.push(format!("i18n: the book's {name} (book.toml)"));
                pot.entries.insert(at, entry);
            }
        }
    }
    annotate(&mut pot, &code, &prose);
    Ok(pot)
}

/// The fields of docs/book.toml's `[book]` that readers see and that are translated like the
/// pages: the title (the menu bar, every page's `<title>`) and the description.
pub const BOOK_FIELDS: [&str; 2] = ["title", "description"];

/// The English value of a `[book]` field of docs/book.toml (a plain `key = "..."` line).
pub fn book_field(root: &Path, name: &str) -> Result<String> {
    let path = root.join("docs").join("book.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
    let mut in_book = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_book = line == "[book]";
        } else if in_book
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == name
        {
            let value = value.trim();
            return value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .ok_or_else(|| {
                    Error(format!("{}: book.{name} is not a plain string", path.display()))
                });
        }
    }
    Err(Error(format!("{}: no book.{name}", path.display())))
}

/// A `[book]` field in `language`: its translation from the catalogue, or the English.
pub fn translated_book_field(root: &Path, name: &str, language: &str) -> Result<String> {
    let english = book_field(root, name)?;
    let catalog = read_catalog(&catalog_path(root, language))?;
    Ok(match catalog.find(None, &english) {
        Some(entry) if entry.is_translated() => entry.msgstr[0].clone(),
        _ => english,
    })
}

/// The `id`s of the headings of a page of the built book, in order.
fn heading_ids(html: &str) -> Vec<(usize, &str)> {
    let mut ids = Vec::new();
    let mut from = 0;
    while let Some(found) = html[from..].find("<h") {
        let at = from + found;
        from = at + 2;
        let rest = &html[at + 2..];
        if !rest.starts_with(['1', '2', '3', '4', '5', '6']) {
            continue;
        }
        if let Some(id) = rest[1..].strip_prefix(" id=\"")
            && let Some(end) = id.find('"')
        {
            ids.push((at, &id[..end]));
        }
    }
    ids
}

/// The translated page with an empty element carrying the English `id` before each heading whose
/// `id` differs, so that links to `page.html#english-heading` (link targets are not translated)
/// land on the right section. Headings are paired in order: the translated page has the English
/// one's structure. Returns the page and how many anchors it gained.
pub fn keep_english_anchors(
    english: &str,
    translated: &str,
) -> std::result::Result<(String, usize), String> {
    let english_ids = heading_ids(english);
    let translated_ids = heading_ids(translated);
    if english_ids.len() != translated_ids.len() {
        return Err(format!(
            "{} headings in English, {} in the translation: a translation added or removed a heading",
            english_ids.len(),
            translated_ids.len()
        ));
    }
    let mut out = String::with_capacity(translated.len() + 64 * translated_ids.len());
    let mut copied = 0;
    let mut added = 0;
    for ((_, english_id), (at, id)) in english_ids.iter().zip(&translated_ids) {
        if english_id != id {
            out.push_str(&translated[copied..*at]);
            out.push_str(&format!("<span class=\"english-anchor\" id=\"{english_id}\"></span>"));
            copied = *at;
            added += 1;
        }
    }
    out.push_str(&translated[copied..]);
    Ok((out, added))
}

/// `keep_english_anchors` for every page of the translated edition `translated_dir`, against the
/// English edition `english_dir`. Returns the number of anchors added.
pub fn keep_english_anchors_in(english_dir: &Path, translated_dir: &Path) -> Result<usize> {
    let mut added = 0;
    let mut stack = vec![translated_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error(format!("cannot list {}: {e}", dir.display())))?;
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "html") {
                continue;
            }
            let relative = path.strip_prefix(translated_dir).unwrap_or(&path);
            let Ok(english) = std::fs::read_to_string(english_dir.join(relative)) else { continue };
            let translated = std::fs::read_to_string(&path)
                .map_err(|e| Error(format!("{}: {e}", path.display())))?;
            let (page, count) = keep_english_anchors(&english, &translated)
                .map_err(|e| Error(format!("{}: {e}", path.display())))?;
            if count > 0 {
                std::fs::write(&path, page)
                    .map_err(|e| Error(format!("{}: {e}", path.display())))?;
                added += count;
            }
        }
    }
    Ok(added)
}

/// One hint in `language`, translated through the catalogue by the same preprocessor as the book
/// (English where a message has no translation yet). `hint` is `exercises/NN-slug/hints/K.md`.
pub fn translated_hint(root: &Path, hint: &Path, language: &str) -> Result<String> {
    let book = hints_book(root)?;
    let dest = root.join("target").join("i18n").join(format!("hints-{language}"));
    mdbook(&book, &dest, r#"{"markdown": {}}"#, Some(language))?;
    let path = dest.join(hint);
    std::fs::read_to_string(&path).map_err(|e| Error(format!("no hint {}: {e}", hint.display())))
}

pub fn read_catalog(path: &Path) -> Result<Catalog> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
    po::parse(&text).map_err(|e| Error(format!("{}: {e}", path.display())))
}

pub fn write_catalog(path: &Path, catalog: &Catalog) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, po::write(catalog))
        .map_err(|e| Error(format!("cannot write {}: {e}", path.display())))
}

/// The header of a new catalogue for `language` (Indonesian has a single plural form).
pub fn new_header(language: &str) -> Entry {
    let mut catalog = Catalog::default();
    catalog.header.translator_comments =
        vec![format!("The book in `{language}`: see README.md, Translations, before editing.")];
    for (name, value) in header_fields(language) {
        catalog.set_header_field(name, value);
    }
    catalog.header
}

/// The header fields a catalogue must have: mdbook-gettext refuses (panics on) a PO file that
/// lacks one of them. The dates stay empty: no update rewrites them.
fn header_fields(language: &str) -> [(&'static str, &str); 10] {
    [
        ("Project-Id-Version", "session-lessons"),
        ("POT-Creation-Date", ""),
        ("PO-Revision-Date", ""),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("Language", language),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", "nplurals=1; plural=0;"),
    ]
}

/// Adds the header fields `catalog` lacks (see `header_fields`).
pub fn complete_header(catalog: &mut Catalog, language: &str) {
    for (name, value) in header_fields(language) {
        if catalog.header_field(name).is_none() {
            catalog.set_header_field(name, value);
        }
    }
}

/// What an update did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    /// Messages whose English text is unchanged (translated or not).
    pub kept: usize,
    /// New English text with a translation of similar old text: marked fuzzy, to be checked.
    pub fuzzy: usize,
    /// New English text without a translation.
    pub new: usize,
    /// Translations whose English text is gone: kept as obsolete (`#~`) until `prune`.
    pub obsolete: usize,
}

/// How alike two texts are, from 0 to 1: the share of words they have in common.
fn similarity(a: &str, b: &str) -> f64 {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    let (mut na, mut nb) = (0usize, 0usize);
    for word in a.split_whitespace() {
        *counts.entry(word).or_default() += 1;
        na += 1;
    }
    let mut common = 0usize;
    for word in b.split_whitespace() {
        nb += 1;
        if let Some(count) = counts.get_mut(word)
            && *count > 0
        {
            *count -= 1;
            common += 1;
        }
    }
    if na + nb == 0 { 1.0 } else { 2.0 * common as f64 / (na + nb) as f64 }
}

/// Below this similarity an old translation is not offered for changed English text.
const FUZZY_THRESHOLD: f64 = 0.6;

/// Brings a catalogue up to date with the English messages, like `msgmerge`: unchanged messages
/// keep their translation; changed ones get the translation of the most similar old message,
/// marked fuzzy (with the old English as `#|`); new ones are untranslated; translations whose
/// English is gone become obsolete. References and extracted comments come from the POT.
pub fn merge(old: &Catalog, pot: &Catalog, language: &str) -> (Catalog, MergeSummary) {
    let mut summary = MergeSummary::default();
    let mut index: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (i, entry) in old.entries.iter().enumerate() {
        index.entry(entry.key()).or_insert(i);
    }
    let mut used: HashSet<usize> = HashSet::new();
    let mut entries: Vec<Entry> = Vec::with_capacity(pot.entries.len());
    let mut unmatched: Vec<usize> = Vec::new();
    for template in pot.entries.iter().filter(|e| !e.obsolete) {
        let mut entry = template.clone();
        entry.msgstr = vec![String::new(); template.msgstr.len().max(1)];
        entry.previous_msgid = None;
        entry.set_fuzzy(false);
        if let Some(&i) = index.get(&template.key()) {
            let previous = &old.entries[i];
            used.insert(i);
            entry.msgstr = previous.msgstr.clone();
            entry.translator_comments = previous.translator_comments.clone();
            if previous.is_fuzzy() {
                entry.set_fuzzy(true);
                entry.previous_msgid = previous.previous_msgid.clone();
            }
            summary.kept += 1;
        } else if is_code_note(&entry) {
            summary.new += 1;
        } else {
            unmatched.push(entries.len());
        }
        // Code is its own translation.
        if is_code_note(&entry) && !entry.has_translation() {
            entry.msgstr = vec![entry.msgid.clone(); entry.msgstr.len()];
        }
        entries.push(entry);
    }
    // Changed English text: the most alike old translation that no current message uses,
    // preferring one from the same page.
    let candidates: Vec<usize> = (0..old.entries.len())
        .filter(|i| !used.contains(i) && old.entries[*i].has_translation())
        .collect();
    for &at in &unmatched {
        let entry = &entries[at];
        let pages = entry.pages();
        let best = candidates
            .iter()
            .map(|&i| {
                let candidate = &old.entries[i];
                let same_page = candidate.pages().iter().any(|p| pages.contains(p));
                let score =
                    similarity(&candidate.msgid, &entry.msgid) + if same_page { 0.05 } else { 0.0 };
                (i, score)
            })
            .filter(|&(_, score)| score >= FUZZY_THRESHOLD)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let entry = &mut entries[at];
        match best {
            Some((i, _)) => {
                let previous = &old.entries[i];
                entry.msgstr = previous.msgstr.clone();
                entry.translator_comments = previous.translator_comments.clone();
                entry.set_fuzzy(true);
                entry.previous_msgid = Some(previous.msgid.clone());
                used.insert(i);
                summary.fuzzy += 1;
            }
            None => summary.new += 1,
        }
    }
    for (i, previous) in old.entries.iter().enumerate() {
        if !used.contains(&i) && previous.has_translation() {
            let mut gone = previous.clone();
            gone.obsolete = true;
            gone.previous_msgid = None;
            entries.push(gone);
            summary.obsolete += 1;
        }
    }
    let header = if old.header.msgstr.iter().any(|s| !s.is_empty()) {
        old.header.clone()
    } else {
        new_header(language)
    };
    let mut merged = Catalog { header, entries };
    complete_header(&mut merged, language);
    (merged, summary)
}

/// A message the extraction marked as code (`CODE_NOTE`).
pub fn is_code_note(entry: &Entry) -> bool {
    entry.extracted_comments.iter().any(|c| c == CODE_NOTE)
}

/// A message the extraction marked as a comment in code (`COMMENT_NOTE`).
pub fn is_comment_note(entry: &Entry) -> bool {
    entry.extracted_comments.iter().any(|c| c == COMMENT_NOTE)
}

/// Drops the obsolete entries; returns how many.
pub fn prune(catalog: &mut Catalog) -> usize {
    let before = catalog.entries.len();
    catalog.entries.retain(|e| !e.obsolete);
    before - catalog.entries.len()
}

/// One page's progress.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageStatus {
    pub page: String,
    pub translated: usize,
    pub fuzzy: usize,
    pub untranslated: usize,
}

/// Per page, in the book's order: translated, fuzzy and untranslated messages. A message used on
/// several pages counts on each.
pub fn status(catalog: &Catalog) -> Vec<PageStatus> {
    let mut pages: Vec<PageStatus> = Vec::new();
    for entry in catalog.entries.iter().filter(|e| !e.obsolete) {
        let entry_pages = entry.pages();
        let entry_pages = if entry_pages.is_empty() { vec!["(no page)"] } else { entry_pages };
        for page in entry_pages {
            let at = match pages.iter().position(|p| p.page == page) {
                Some(at) => at,
                None => {
                    pages.push(PageStatus { page: page.to_string(), ..PageStatus::default() });
                    pages.len() - 1
                }
            };
            let row = &mut pages[at];
            if entry.is_fuzzy() {
                row.fuzzy += 1;
            } else if entry.has_translation() {
                row.translated += 1;
            } else {
                row.untranslated += 1;
            }
        }
    }
    pages
}

/// `lessons/01-raw-cookies`, `src/lessons/01-raw-cookies.md` and `docs/src/lessons/01-raw-cookies.md`
/// all name the page `src/lessons/01-raw-cookies.md`; so does `01-raw-cookies` when no other
/// page ends like that.
pub fn page_matches(page: &str, query: &str) -> bool {
    fn bare(path: &str) -> &str {
        let path = path.trim_start_matches("./");
        let path = path.strip_prefix("docs/").unwrap_or(path);
        let path = path.strip_prefix("src/").unwrap_or(path);
        path.strip_suffix(".md").unwrap_or(path)
    }
    let (page, query) = (bare(page), bare(query));
    !query.is_empty() && (page == query || page.ends_with(&format!("/{query}")))
}

/// The one page of the catalogue that `query` names.
pub fn find_page(catalog: &Catalog, query: &str) -> Result<String> {
    let mut found: Vec<String> = Vec::new();
    for row in status(catalog) {
        if page_matches(&row.page, query) {
            found.push(row.page);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error(format!(
            "no page `{query}` in the catalogue (`just i18n-status` lists them)"
        ))),
        _ => Err(Error(format!("`{query}` names several pages: {}; say which", found.join(", ")))),
    }
}

/// A standalone catalogue with one page's messages (and their translations so far), for a
/// translator. The header is the full catalogue's.
pub fn export(catalog: &Catalog, page: &str) -> Catalog {
    Catalog {
        header: catalog.header.clone(),
        entries: catalog
            .entries
            .iter()
            .filter(|e| !e.obsolete && e.pages().contains(&page))
            .cloned()
            .collect(),
    }
}

/// The whole catalogue as one standalone catalogue per page, for translators working in
/// parallel: each message that still needs a translation in exactly one file, that of the first
/// page (in the book's order) that uses it, so no text is translated twice; code, which needs no
/// translation, in none. Returns (page, catalogue) pairs in the book's order.
pub fn split(catalog: &Catalog) -> Vec<(String, Catalog)> {
    let mut parts: Vec<(String, Catalog)> = Vec::new();
    for entry in
        catalog.entries.iter().filter(|e| !e.obsolete && !e.is_translated() && !is_code_note(e))
    {
        let page = entry.pages().first().map_or("(no page)".to_string(), |p| p.to_string());
        let at = match parts.iter().position(|(p, _)| *p == page) {
            Some(at) => at,
            None => {
                parts.push((page, Catalog { header: catalog.header.clone(), entries: Vec::new() }));
                parts.len() - 1
            }
        };
        parts[at].1.entries.push(entry.clone());
    }
    parts
}

/// A file name for a page's part: `src/lessons/01-raw-cookies.md` → `lessons-01-raw-cookies.po`.
pub fn part_file_name(page: &str) -> String {
    let bare = page.strip_prefix("src/").unwrap_or(page);
    let bare = bare.strip_suffix(".md").unwrap_or(bare);
    format!("{}.po", bare.replace(['/', '\\'], "-"))
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Translations taken (new or changed).
    pub updated: usize,
    /// Already in the catalogue as they are.
    pub unchanged: usize,
    /// Left untranslated in the file: nothing to take.
    pub empty: usize,
    /// English text the catalogue does not have (changed since the export, or edited by
    /// mistake): not taken.
    pub unknown: Vec<String>,
    /// Code (a string literal, a code block) that the file translated: not taken, code stays as
    /// it is.
    pub code_kept: Vec<String>,
}

/// Takes the translations of `file` into `catalog`, for English text the catalogue has, except
/// translated code (the catalogue keeps code as it is). A fuzzy entry of the file stays fuzzy; a
/// translator's comments come along.
pub fn import(catalog: &mut Catalog, file: &Catalog) -> ImportSummary {
    let mut summary = ImportSummary::default();
    let mut index: HashMap<(Option<String>, String), usize> = HashMap::new();
    for (i, entry) in catalog.entries.iter().enumerate() {
        if !entry.obsolete {
            index.insert((entry.msgctxt.clone(), entry.msgid.clone()), i);
        }
    }
    for incoming in file.entries.iter().filter(|e| !e.obsolete) {
        if !incoming.has_translation() {
            summary.empty += 1;
            continue;
        }
        let Some(&i) = index.get(&(incoming.msgctxt.clone(), incoming.msgid.clone())) else {
            summary.unknown.push(incoming.msgid.clone());
            continue;
        };
        let entry = &mut catalog.entries[i];
        if is_code_note(entry) && incoming.msgstr.iter().any(|form| *form != entry.msgid) {
            summary.code_kept.push(incoming.msgid.clone());
            continue;
        }
        if entry.msgstr == incoming.msgstr && entry.is_fuzzy() == incoming.is_fuzzy() {
            summary.unchanged += 1;
            continue;
        }
        entry.msgstr = incoming.msgstr.clone();
        entry.set_fuzzy(incoming.is_fuzzy());
        if incoming.is_fuzzy() {
            entry.previous_msgid = incoming.previous_msgid.clone();
        }
        if !incoming.translator_comments.is_empty() {
            entry.translator_comments = incoming.translator_comments.clone();
        }
        summary.updated += 1;
    }
    summary
}

/// What is wrong with one message of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// English text the catalogue does not have: run `just i18n-update`.
    Missing,
    Untranslated,
    /// English text changed since it was translated, or the translator was unsure.
    Fuzzy,
    /// A translation whose English text is gone from the book: `cargo run -p i18n -- prune`.
    Obsolete,
    /// Code or a link target of the English text is not in the translation.
    CodeChanged(String),
    /// A message that is code (a string literal, a code block) was translated: it must stay as is.
    CodeTranslated,
    /// A comment in code lost a line's comment marker or its final line break: the code block
    /// would show translated words as code.
    CommentBroken,
}

/// A message that keeps the two editions apart, with its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub page: String,
    pub kind: ProblemKind,
    pub msgid: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            ProblemKind::Missing => "missing from the catalogue".to_string(),
            ProblemKind::Untranslated => "untranslated".to_string(),
            ProblemKind::Fuzzy => "fuzzy (the English changed: check the translation)".to_string(),
            ProblemKind::Obsolete => "obsolete (no longer in the English book)".to_string(),
            ProblemKind::CodeChanged(code) => format!("the translation lacks `{code}`"),
            ProblemKind::CodeTranslated => "code must stay as it is (msgstr = msgid)".to_string(),
            ProblemKind::CommentBroken => {
                "a comment in code must keep each line's comment marker and the final line break"
                    .to_string()
            }
        };
        let mut excerpt: String = self.msgid.replace('\n', "⏎").chars().take(72).collect();
        if excerpt.chars().count() < self.msgid.chars().count() {
            excerpt.push('…');
        }
        write!(f, "{}: {kind}: \"{excerpt}\"", self.page)
    }
}

/// The inline code spans (`` `x` ``) and link targets (`](x)`) of a Markdown message: text a
/// translation must keep as it is.
pub fn literal_parts(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(ticks);
        let body = &rest[start + ticks..];
        match body.find(fence.as_str()) {
            Some(end) => {
                parts.push(body[..end].to_string());
                rest = &body[end + ticks..];
            }
            None => break,
        }
    }
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        let body = &rest[start + 2..];
        match body.find(')') {
            Some(end) => {
                parts.push(body[..end].to_string());
                rest = &body[end..];
            }
            None => break,
        }
    }
    parts
}

/// Whether `translation` of the code comment `english` is still a comment where the English is:
/// the same marker on each line (for `//`, `#` and `--` comments), the same final line break.
pub fn comment_kept(english: &str, translation: &str) -> bool {
    let Some(marker) = comment_marker(english) else { return true };
    if !translation.starts_with(marker) || english.ends_with('\n') != translation.ends_with('\n') {
        return false;
    }
    let per_line = ["///", "//!", "//", "--", "#"].contains(&marker);
    let lines_english = english.lines().all(|l| l.trim_start().starts_with(marker));
    !per_line
        || !lines_english
        || translation.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with(marker))
}

/// Everything that keeps the translation from matching the English book: each message of the
/// POT that the catalogue lacks or has untranslated or fuzzy, each translation whose code or link
/// targets differ, and each entry of the catalogue that is no longer in the POT.
pub fn check(catalog: &Catalog, pot: &Catalog) -> Vec<Problem> {
    let page_of =
        |entry: &Entry| entry.pages().first().map_or("(no page)".to_string(), |p| p.to_string());
    let mut problems = Vec::new();
    for template in pot.entries.iter().filter(|e| !e.obsolete) {
        let problem =
            |kind| Problem { page: page_of(template), kind, msgid: template.msgid.clone() };
        match catalog.find(template.msgctxt.as_deref(), &template.msgid) {
            None => problems.push(problem(ProblemKind::Missing)),
            Some(entry) if entry.is_fuzzy() => problems.push(problem(ProblemKind::Fuzzy)),
            Some(entry) if !entry.has_translation() => {
                problems.push(problem(ProblemKind::Untranslated))
            }
            Some(entry) if is_code_note(template) => {
                if entry.msgstr.iter().any(|form| *form != template.msgid) {
                    problems.push(problem(ProblemKind::CodeTranslated));
                }
            }
            Some(entry) => {
                if is_comment_note(template)
                    && !entry.msgstr.iter().all(|form| comment_kept(&template.msgid, form))
                {
                    problems.push(problem(ProblemKind::CommentBroken));
                }
                for part in literal_parts(&template.msgid) {
                    if !entry.msgstr.iter().all(|form| form.contains(&part)) {
                        problems.push(problem(ProblemKind::CodeChanged(part)));
                    }
                }
            }
        }
    }
    for entry in &catalog.entries {
        if entry.obsolete || pot.find(entry.msgctxt.as_deref(), &entry.msgid).is_none() {
            problems.push(Problem {
                page: page_of(entry),
                kind: ProblemKind::Obsolete,
                msgid: entry.msgid.clone(),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "resp = make_response(f\"<h1>Hello, {escape(name)}!</h1>\")\n\
                        # Try it: the cookie is sent back\n\
                        let bytes = b'%';\n";
    const PROSE: &str = "## Try it\n\nThe \"Remember me\" box: a second cookie.\n";

    #[test]
    fn string_literals_and_their_pieces_are_code_but_prose_that_code_quotes_is_not() {
        assert!(is_code("\"<h1>Hello, ", CODE, PROSE));
        assert!(is_code("!</h1>\"", CODE, PROSE));
        assert!(is_code("b'%'", CODE, PROSE));
        assert!(is_code("```console\n$ curl -s http://127.0.0.1:8001/\n```", CODE, PROSE));
        assert!(!is_code("Try it", CODE, PROSE), "a heading that a comment happens to contain");
        assert!(!is_code("# Try it: the cookie is sent back\n", CODE, PROSE), "a comment");
        assert!(!is_code("The \"Remember me\" box: a second cookie.", CODE, PROSE));
    }

    #[test]
    fn a_message_without_a_letter_is_kept_as_it_is_so_a_new_benchmark_run_needs_no_translator() {
        assert!(is_code("83260", CODE, PROSE));
        assert!(is_code("**2.08×**", CODE, PROSE));
        assert!(is_code("0.065", CODE, PROSE));
        assert!(!is_code("5 s", CODE, PROSE), "a unit is a word");
    }

    #[test]
    fn a_translated_page_keeps_the_english_heading_anchors_that_links_point_to() {
        let english = "<h1 id=\"01--raw-cookies\">01 · Raw cookies</h1><p>x</p><h2 id=\"try-it\">Try it</h2><h3 id=\"curl\">curl</h3>";
        let translated = "<h1 id=\"01--cookie-mentah\">01 · Cookie mentah</h1><p>y</p><h2 id=\"coba\">Coba</h2><h3 id=\"curl\">curl</h3>";
        let (page, added) = keep_english_anchors(english, translated).unwrap();
        assert_eq!(added, 2, "none for a heading whose id did not change");
        assert_eq!(
            page,
            "<span class=\"english-anchor\" id=\"01--raw-cookies\"></span><h1 id=\"01--cookie-mentah\">01 · Cookie mentah</h1><p>y</p>\
             <span class=\"english-anchor\" id=\"try-it\"></span><h2 id=\"coba\">Coba</h2><h3 id=\"curl\">curl</h3>"
        );
        assert!(
            keep_english_anchors(english, "<h1 id=\"a\">A</h1>").is_err(),
            "a heading went missing"
        );
    }

    #[test]
    fn a_book_page_splits_into_its_code_blocks_and_its_prose() {
        let dir = std::env::temp_dir().join(format!("i18n-split-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let page = "# Title\n\nText.\n\n- item\n\n  ```rust\n  let x = \"a\"; // note\n  ```\n\n````md\n```\ninner\n```\n````\nAfter.\n";
        std::fs::write(dir.join("page.md"), page).unwrap();
        let (code, prose) = code_and_prose(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(code.contains("let x = \"a\"; // note\n"), "{code:?}");
        assert!(code.contains("```\ninner\n```\n"), "a longer fence holds a shorter one: {code:?}");
        assert!(prose.contains("Text.") && prose.contains("After.") && !prose.contains("let x"));
    }
}
