//! What the book's translation needs beyond GNU gettext and mdbook-i18n-helpers: the POT with
//! the exercises' hints and book.toml's title and description in it, and code told from prose
//! (`pot`); the drift check `just test` runs (`check`: every English message translated, none
//! fuzzy or left over, code and link targets intact); the English heading anchors of the
//! translated edition (`anchors`); a hint in Indonesian (`hint`). Merging, statistics, export and
//! import are gettext's own commands (scripts/i18n, README.md, Translations). PO files are read
//! and written with `polib`, the crate mdbook-gettext itself reads the catalogue with.

use polib::message::{Message as PoMessage, MessageView};
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

/// One message of a PO or POT file, as the checks need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub msgctxt: Option<String>,
    pub msgid: String,
    /// One string for a singular message, one per plural form otherwise.
    pub msgstr: Vec<String>,
    pub fuzzy: bool,
    /// `#.` lines: the extractor's notes (`CODE_NOTE`, `COMMENT_NOTE`).
    pub notes: Vec<String>,
    /// `#:` references: the pages the message is on.
    pub references: Vec<String>,
}

impl Message {
    /// A singular message without a translation.
    pub fn new(msgid: impl Into<String>) -> Self {
        Message { msgid: msgid.into(), msgstr: vec![String::new()], ..Message::default() }
    }

    /// Every form has a translation (fuzzy or not).
    pub fn has_translation(&self) -> bool {
        !self.msgstr.is_empty() && self.msgstr.iter().all(|form| !form.is_empty())
    }

    /// The page a message is reported under: its first reference, without a line number.
    pub fn page(&self) -> String {
        let Some(reference) = self.references.first() else { return "(no page)".to_string() };
        match reference.rsplit_once(':') {
            Some((path, line)) if line.chars().all(|c| c.is_ascii_digit()) => path.to_string(),
            _ => reference.clone(),
        }
    }

    fn has_note(&self, note: &str) -> bool {
        self.notes.iter().any(|n| n == note)
    }

    fn from_polib(m: &dyn MessageView) -> Self {
        let msgctxt = Some(m.msgctxt().to_string()).filter(|c| !c.is_empty());
        let msgstr = match m.msgstr_plural() {
            Ok(forms) => forms.clone(),
            Err(_) => vec![m.msgstr().unwrap_or_default().to_string()],
        };
        let lines = |text: &str| -> Vec<String> {
            text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
        };
        Message {
            msgctxt,
            msgid: m.msgid().to_string(),
            msgstr,
            fuzzy: m.is_fuzzy(),
            notes: lines(m.comments()),
            references: m.source().split_whitespace().map(str::to_string).collect(),
        }
    }

    fn to_polib(&self) -> PoMessage {
        let mut builder = PoMessage::build_singular();
        builder
            .with_comments(self.notes.join("\n"))
            .with_source(self.references.join(" "))
            .with_msgid(self.msgid.clone())
            .with_msgstr(self.msgstr.first().cloned().unwrap_or_default());
        if let Some(context) = &self.msgctxt {
            builder.with_msgctxt(context.clone());
        }
        builder.done()
    }
}

/// The messages of a PO or POT file (its obsolete `#~` entries left out: `read_obsolete`).
pub fn read_po(path: &Path) -> Result<Vec<Message>> {
    let catalog = polib::po_file::parse(path)
        .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
    Ok(catalog.messages().map(Message::from_polib).collect())
}

/// The obsolete entries (`#~`) of a PO file: translations whose English text is gone, which
/// `msgmerge` keeps for reuse. Only their English text (`#~ msgid`) is read: the drift check
/// names them, nothing else. Read here rather than through gettext's `msgattrib`, so the check
/// in `just test` needs no gettext (only the translator's commands do). `_scratch` is unused.
pub fn read_obsolete(path: &Path, _scratch: &Path) -> Result<Vec<Message>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
    Ok(obsolete_msgids(&text).into_iter().map(Message::new).collect())
}

/// The `#~ msgid` texts of a PO file, each a whole message (its continued lines joined), without
/// the previous-text comments (`#~|`), the header or the live entries.
fn obsolete_msgids(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("#~ ") else {
            found.extend(current.take());
            continue;
        };
        let rest = rest.trim_start();
        if let Some(quoted) = rest.strip_prefix("msgid ") {
            found.extend(current.take());
            current = Some(unquote(quoted));
        } else if rest.starts_with('"') {
            if let Some(msgid) = current.as_mut() {
                msgid.push_str(&unquote(rest));
            }
        } else {
            // `msgstr`, `msgctxt` or anything else: the msgid is complete.
            found.extend(current.take());
        }
    }
    found.extend(current);
    found.into_iter().filter(|msgid| !msgid.is_empty()).collect()
}

/// The PO file's text without the obsolete entries that have no letter: figures of an older
/// `just bench` run (a figure is its own translation, so nobody will want it back). Without
/// this, every run would leave its figures behind as `#~` entries, and the drift check would
/// ask for them to be dropped by hand. Everything else is kept byte for byte.
pub fn without_obsolete_figures(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    for entry in text.split_inclusive("\n\n") {
        let obsolete = entry.lines().all(|line| line.starts_with("#~") || line.trim().is_empty());
        let figures =
            obsolete_msgids(entry).iter().all(|msgid| !msgid.chars().any(char::is_alphabetic));
        if !(obsolete && figures && !obsolete_msgids(entry).is_empty()) {
            kept.push_str(entry);
        }
    }
    // The file ends with one line break, as gettext writes it, whatever was dropped last.
    while kept.ends_with("\n\n") {
        kept.pop();
    }
    kept
}

/// A PO string literal's text: without its quotes, its escapes resolved.
fn unquote(quoted: &str) -> String {
    let quoted = quoted.trim();
    let inner = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap_or(quoted);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Writes a POT: a header without a creation date (`msgmerge` copies it into the catalogue, and
/// a date would change the catalogue on every update), then the messages.
pub fn write_pot(path: &Path, messages: &[Message]) -> Result<()> {
    let header = "Project-Id-Version: session-lessons\nPOT-Creation-Date: \nPO-Revision-Date: \n\
                  Last-Translator: \nLanguage-Team: \nMIME-Version: 1.0\n\
                  Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\
                  Language: en\nPlural-Forms: nplurals=1; plural=0;\n";
    let metadata = polib::metadata::CatalogMetadata::parse(header)
        .map_err(|e| Error(format!("the POT header: {e}")))?;
    let mut catalog = polib::catalog::Catalog::new(metadata);
    for message in messages {
        catalog.append_or_update(message.to_polib());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    }
    polib::po_file::write(&catalog, path)
        .map_err(|e| Error(format!("cannot write {}: {e}", path.display())))
}

/// The one line a missing GNU gettext gets, wherever it is found missing.
pub const GETTEXT_MISSING: &str = "GNU gettext is not installed (msgmerge, msgattrib, msgfmt): \
     `sudo apt-get install gettext` (macOS: `brew install gettext`), see README.md, Translations";

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
fn annotate(pot: &mut [Message], code: &str, prose: &str) {
    for entry in pot {
        let note = if is_code(&entry.msgid, code, prose) {
            CODE_NOTE
        } else if comment_marker(&entry.msgid).is_some() && code.contains(entry.msgid.as_str()) {
            COMMENT_NOTE
        } else {
            continue;
        };
        entry.notes.push(note.to_string());
    }
}

/// Extracts the English messages: the book's (mdbook-xgettext after the `links` preprocessor,
/// so `{{#include}}`d text is extracted as the reader sees it), then the exercises' hints
/// (referenced as `exercises/NN-slug/hints/K.md`) and book.toml's title and description, with
/// code and comments in code marked.
pub fn generate_pot(root: &Path) -> Result<Vec<Message>> {
    let out = root.join("target").join("i18n");
    let read = |dir: &Path| read_po(&dir.join("xgettext").join("messages.pot"));
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
    for mut entry in hint_pot {
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
        let key = (&entry.msgctxt, &entry.msgid);
        match pot.iter_mut().find(|e| (&e.msgctxt, &e.msgid) == key) {
            Some(existing) => existing.references.extend(entry.references),
            None => pot.push(entry),
        }
    }
    for (at, name) in BOOK_FIELDS.into_iter().enumerate() {
        let value = book_field(root, name)?;
        match pot.iter_mut().find(|e| e.msgctxt.is_none() && e.msgid == value) {
            Some(existing) => existing.references.push("book.toml".to_string()),
            None => {
                let mut entry = Message::new(value);
                entry.references.push("book.toml".to_string());
                entry.notes.push(format!("i18n: the book's {name} (book.toml)"));
                pot.insert(at, entry);
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
    let catalog = read_po(&catalog_path(root, language))?;
    Ok(catalog
        .into_iter()
        .find(|m| m.msgctxt.is_none() && m.msgid == english && !m.fuzzy && m.has_translation())
        .map_or(english, |m| m.msgstr[0].clone()))
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

/// What is wrong with one message of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// English text the catalogue does not have: run `just i18n-update`.
    Missing,
    Untranslated,
    /// English text changed since it was translated, or the translator was unsure.
    Fuzzy,
    /// A translation whose English text is gone from the book: `just i18n-update` keeps it as
    /// `#~` for reuse; `msgattrib --no-obsolete` drops it.
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
/// targets differ, each entry of the catalogue that is no longer in the POT, and each obsolete
/// (`#~`) entry `msgmerge` kept. Each problem names its page.
pub fn check(catalog: &[Message], obsolete: &[Message], pot: &[Message]) -> Vec<Problem> {
    let key = |m: &Message| (m.msgctxt.clone(), m.msgid.clone());
    let translations: HashMap<_, &Message> = catalog.iter().map(|m| (key(m), m)).collect();
    let english: HashSet<_> = pot.iter().map(key).collect();
    let mut problems = Vec::new();
    for template in pot {
        let problem = |kind| Problem { page: template.page(), kind, msgid: template.msgid.clone() };
        match translations.get(&key(template)) {
            // Code not in the catalogue yet (the figures of a new `just bench` run, say) is
            // shown as it is, which is what its translation would say.
            None if template.has_note(CODE_NOTE) => {}
            None => problems.push(problem(ProblemKind::Missing)),
            Some(entry) if entry.fuzzy => problems.push(problem(ProblemKind::Fuzzy)),
            Some(entry) if !entry.has_translation() => {
                problems.push(problem(ProblemKind::Untranslated))
            }
            Some(entry) if template.has_note(CODE_NOTE) => {
                if entry.msgstr.iter().any(|form| *form != template.msgid) {
                    problems.push(problem(ProblemKind::CodeTranslated));
                }
            }
            Some(entry) => {
                if template.has_note(COMMENT_NOTE)
                    && !entry.msgstr.iter().all(|form| comment_kept(&template.msgid, form))
                {
                    problems.push(problem(ProblemKind::CommentBroken));
                }
                for part in literal_parts(&template.msgid) {
                    // A picture with words in it has a translated twin: `x.svg` may become
                    // `x.id.svg` (pictures/: the charts).
                    let twin = part.replace(".svg", ".id.svg");
                    if !entry.msgstr.iter().all(|form| form.contains(&part) || form.contains(&twin))
                    {
                        problems.push(problem(ProblemKind::CodeChanged(part)));
                    }
                }
            }
        }
    }
    let left_over = catalog.iter().filter(|m| !english.contains(&key(m)));
    for entry in left_over.chain(obsolete) {
        problems.push(Problem {
            page: entry.page(),
            kind: ProblemKind::Obsolete,
            msgid: entry.msgid.clone(),
        });
    }
    problems
}

/// The drift check on the checkout: the English messages extracted afresh against
/// docs/po/LANG.po, its obsolete entries included.
pub fn check_catalogue(root: &Path, language: &str) -> Result<(Vec<Message>, Vec<Problem>)> {
    let pot = generate_pot(root)?;
    let path = catalog_path(root, language);
    let catalog = read_po(&path)?;
    let obsolete = read_obsolete(&path, &root.join("target").join("i18n"))?;
    let problems = check(&catalog, &obsolete, &pot);
    Ok((pot, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obsolete_entries_are_read_without_gettext_and_live_ones_are_not() {
        let po = "msgid \"\"\nmsgstr \"header\"\n\n\
                  msgid \"Live\"\nmsgstr \"Hidup\"\n\n\
                  #, fuzzy\n#~| msgid \"Older\"\n#~ msgid \"\"\n#~ \"Gone \\\"quoted\\\" \"\n\
                  #~ \"across lines\\n\"\n#~ msgstr \"Hilang\"\n\n\
                  #~ msgid \"Also gone\"\n#~ msgstr \"\"\n";
        assert_eq!(
            obsolete_msgids(po),
            ["Gone \"quoted\" across lines\n".to_string(), "Also gone".to_string()]
        );
    }

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
    fn figures_left_obsolete_by_a_benchmark_run_are_dropped_and_nothing_else() {
        let po = "msgid \"\"\nmsgstr \"header\"\n\n\
                  msgid \"Live 83260\"\nmsgstr \"Hidup 83260\"\n\n\
                  msgid \"0.065\"\nmsgstr \"0.065\"\n\n\
                  #~ msgid \"83260\"\n#~ msgstr \"83260\"\n\n\
                  #, fuzzy\n#~| msgid \"Older\"\n#~ msgid \"Gone\"\n#~ msgstr \"Hilang\"\n\n\
                  #~ msgid \"\"\n#~ \"**2.08\u{d7}**\"\n#~ msgstr \"**2.08\u{d7}**\"\n";
        assert_eq!(
            without_obsolete_figures(po),
            "msgid \"\"\nmsgstr \"header\"\n\n\
             msgid \"Live 83260\"\nmsgstr \"Hidup 83260\"\n\n\
             msgid \"0.065\"\nmsgstr \"0.065\"\n\n\
             #, fuzzy\n#~| msgid \"Older\"\n#~ msgid \"Gone\"\n#~ msgstr \"Hilang\"\n"
        );
    }

    #[test]
    fn code_missing_from_the_catalogue_is_no_drift_but_missing_prose_is() {
        let mut figure = Message::new("83260".to_string());
        figure.notes.push(CODE_NOTE.to_string());
        let prose = Message::new("Budget: 3x.".to_string());
        let problems = check(&[], &[], &[figure, prose]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].msgid, "Budget: 3x.");
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
