//! A small reader and writer for gettext PO files: what the book's catalogue uses and nothing
//! more (no MO files, no plural evaluation). Unlike a general PO library it keeps obsolete
//! entries (`#~`) and the previous msgid of a fuzzy entry (`#|`), which the update workflow
//! needs, and it reports a malformed file with its line number instead of panicking.

use std::fmt::{self, Write as _};

/// One message of a catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// `# ...`: the translator's own notes, kept across updates.
    pub translator_comments: Vec<String>,
    /// `#. ...`: notes from the extractor.
    pub extracted_comments: Vec<String>,
    /// `#: src/page.md` or `#: src/page.md:12`: where the message comes from.
    pub references: Vec<String>,
    /// `#, fuzzy, ...`
    pub flags: Vec<String>,
    /// `#| msgid "..."`: the English text a fuzzy translation was made for.
    pub previous_msgid: Option<String>,
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgid_plural: Option<String>,
    /// One string for a singular message, one per plural form otherwise.
    pub msgstr: Vec<String>,
    /// Written with `#~`: no longer in the English book, kept for its translation.
    pub obsolete: bool,
}

impl Entry {
    /// A singular message without a translation.
    pub fn new(msgid: impl Into<String>) -> Self {
        Entry { msgid: msgid.into(), msgstr: vec![String::new()], ..Entry::default() }
    }

    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|flag| flag == "fuzzy")
    }

    pub fn set_fuzzy(&mut self, fuzzy: bool) {
        self.flags.retain(|flag| flag != "fuzzy");
        if fuzzy {
            self.flags.insert(0, "fuzzy".to_string());
        } else {
            self.previous_msgid = None;
        }
    }

    /// Every form has a translation (fuzzy or not).
    pub fn has_translation(&self) -> bool {
        !self.msgstr.is_empty() && self.msgstr.iter().all(|form| !form.is_empty())
    }

    /// Translated and not fuzzy: what mdbook-gettext puts in the book.
    pub fn is_translated(&self) -> bool {
        self.has_translation() && !self.is_fuzzy()
    }

    /// The pages a message comes from: its references without line numbers, in order, once each.
    pub fn pages(&self) -> Vec<&str> {
        let mut pages: Vec<&str> = Vec::new();
        for reference in &self.references {
            let page = match reference.rsplit_once(':') {
                Some((path, line)) if line.chars().all(|c| c.is_ascii_digit()) => path,
                _ => reference.as_str(),
            };
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
        pages
    }

    /// The key that identifies a message in a catalogue.
    pub fn key(&self) -> (Option<&str>, &str) {
        (self.msgctxt.as_deref(), &self.msgid)
    }
}

/// A whole PO or POT file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The header entry (`msgid ""`): its comments, flags and `msgstr` (the metadata lines).
    pub header: Entry,
    pub entries: Vec<Entry>,
}

impl Catalog {
    /// A header field such as `Language`, if present.
    pub fn header_field(&self, name: &str) -> Option<&str> {
        let metadata = self.header.msgstr.first()?;
        metadata.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == name).then(|| value.trim())
        })
    }

    /// Sets (or adds) a header field.
    pub fn set_header_field(&mut self, name: &str, value: &str) {
        if self.header.msgstr.is_empty() {
            self.header.msgstr.push(String::new());
        }
        let metadata = &mut self.header.msgstr[0];
        let mut lines: Vec<String> = metadata.lines().map(str::to_string).collect();
        let line = format!("{name}: {value}");
        match lines.iter_mut().find(|l| l.split_once(':').is_some_and(|(k, _)| k.trim() == name)) {
            Some(existing) => *existing = line,
            None => lines.push(line),
        }
        *metadata = lines.iter().map(|l| format!("{l}\n")).collect();
    }

    pub fn find(&self, msgctxt: Option<&str>, msgid: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| !e.obsolete && e.key() == (msgctxt, msgid))
    }
}

/// Where and why a PO file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Which string a continuation line (`"..."`) adds to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Previous,
    Context,
    Id,
    IdPlural,
    Str(usize),
}

#[derive(Default)]
struct Builder {
    entry: Entry,
    started: bool,
    has_msgid: bool,
    has_msgstr: bool,
}

/// Reads a PO or POT file.
pub fn parse(text: &str) -> Result<Catalog, ParseError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut current = Builder::default();
    let mut field = Field::None;

    let finish = |builder: &mut Builder, entries: &mut Vec<Entry>, line: usize| {
        let builder = std::mem::take(builder);
        if !builder.started {
            return Ok(());
        }
        if !builder.has_msgid || !builder.has_msgstr {
            return Err(ParseError { line, message: "an entry without msgid or msgstr".into() });
        }
        entries.push(builder.entry);
        Ok(())
    };

    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let error = |message: &str| ParseError { line: number, message: message.to_string() };
        let mut line = raw.trim_end_matches('\r').trim_start();
        let mut obsolete = false;
        if let Some(rest) = line.strip_prefix("#~") {
            if rest.starts_with('|') {
                continue; // the previous msgid of an obsolete entry: not kept
            }
            obsolete = true;
            line = rest.trim_start();
        }
        if line.is_empty() {
            if !obsolete {
                finish(&mut current, &mut entries, number)?;
                field = Field::None;
            }
            continue;
        }
        // A new keyword after a complete message starts the next entry, even without a blank line.
        let starts_entry =
            line.starts_with('#') || line.starts_with("msgctxt") || line.starts_with("msgid ");
        if starts_entry && current.has_msgstr && !line.starts_with("msgid_plural") {
            finish(&mut current, &mut entries, number)?;
            field = Field::None;
        }
        current.started = true;
        if obsolete {
            current.entry.obsolete = true;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(previous) = comment.strip_prefix('|') {
                let previous = previous.trim_start();
                if let Some(rest) = previous.strip_prefix("msgid ") {
                    current.entry.previous_msgid = Some(unquote(rest).map_err(|m| error(&m))?);
                    field = Field::Previous;
                } else if previous.starts_with('"') {
                    if field == Field::Previous {
                        let more = unquote(previous).map_err(|m| error(&m))?;
                        current
                            .entry
                            .previous_msgid
                            .get_or_insert_with(String::new)
                            .push_str(&more);
                    }
                } else {
                    field = Field::None; // `#| msgctxt` and the like: not kept
                }
                continue;
            }
            field = Field::None;
            if let Some(rest) = comment.strip_prefix('.') {
                current
                    .entry
                    .extracted_comments
                    .push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            } else if let Some(rest) = comment.strip_prefix(':') {
                current.entry.references.extend(rest.split_whitespace().map(str::to_string));
            } else if let Some(rest) = comment.strip_prefix(',') {
                current.entry.flags.extend(
                    rest.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string),
                );
            } else {
                current
                    .entry
                    .translator_comments
                    .push(comment.strip_prefix(' ').unwrap_or(comment).to_string());
            }
            continue;
        }
        if line.starts_with('"') {
            let more = unquote(line).map_err(|m| error(&m))?;
            let target = match field {
                Field::None => return Err(error("a string that belongs to no keyword")),
                Field::Previous => current.entry.previous_msgid.get_or_insert_with(String::new),
                Field::Context => current.entry.msgctxt.get_or_insert_with(String::new),
                Field::Id => &mut current.entry.msgid,
                Field::IdPlural => current.entry.msgid_plural.get_or_insert_with(String::new),
                Field::Str(n) => &mut current.entry.msgstr[n],
            };
            target.push_str(&more);
            continue;
        }
        let (keyword, rest) = line
            .split_once(|c: char| c.is_whitespace())
            .ok_or_else(|| error("a keyword without a string"))?;
        let value = unquote(rest.trim()).map_err(|m| error(&m))?;
        match keyword {
            "msgctxt" => {
                current.entry.msgctxt = Some(value);
                field = Field::Context;
            }
            "msgid" => {
                current.entry.msgid = value;
                current.has_msgid = true;
                field = Field::Id;
            }
            "msgid_plural" => {
                current.entry.msgid_plural = Some(value);
                field = Field::IdPlural;
            }
            "msgstr" => {
                current.entry.msgstr = vec![value];
                current.has_msgstr = true;
                field = Field::Str(0);
            }
            _ => {
                let n = keyword
                    .strip_prefix("msgstr[")
                    .and_then(|n| n.strip_suffix(']'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .ok_or_else(|| error(&format!("unknown keyword `{keyword}`")))?;
                if n != current.entry.msgstr.len() || n > 16 {
                    return Err(error("plural forms out of order"));
                }
                current.entry.msgstr.push(value);
                current.has_msgstr = true;
                field = Field::Str(n);
            }
        }
    }
    finish(&mut current, &mut entries, text.lines().count() + 1)?;

    let mut catalog = Catalog::default();
    let mut entries = entries.into_iter().peekable();
    if let Some(first) = entries.peek()
        && first.msgid.is_empty()
        && first.msgctxt.is_none()
        && !first.obsolete
    {
        catalog.header = entries.next().unwrap_or_default();
    }
    catalog.entries = entries.collect();
    if let Some(entry) = catalog.entries.iter().find(|e| e.msgid.is_empty() && !e.obsolete) {
        let at = entry.references.first().map(String::as_str).unwrap_or("?");
        return Err(ParseError {
            line: 0,
            message: format!("an entry with an empty msgid ({at})"),
        });
    }
    Ok(catalog)
}

/// Reads one `"..."` string, resolving the C escapes PO files use.
fn unquote(text: &str) -> Result<String, String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| format!("expected a quoted string, found `{text}`"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                other => return Err(format!("unknown escape `\\{}`", other.unwrap_or(' '))),
            },
            '"' => return Err("an unescaped `\"` inside a string".to_string()),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

/// The widest line written, as GNU gettext does.
const WIDTH: usize = 79;

/// Writes `keyword "value"`, on one line when it fits and has no inner line break, otherwise as
/// `keyword ""` followed by lines cut after each `\n` and wrapped after spaces.
fn write_field(out: &mut String, prefix: &str, keyword: &str, value: &str) {
    let escaped = escape(value);
    let inner_break = value.trim_end_matches('\n').contains('\n');
    if !inner_break && prefix.len() + keyword.len() + escaped.chars().count() + 3 <= WIDTH {
        let _ = writeln!(out, "{prefix}{keyword} \"{escaped}\"");
        return;
    }
    let _ = writeln!(out, "{prefix}{keyword} \"\"");
    for logical in escaped.split_inclusive("\\n") {
        for piece in wrap(logical, WIDTH - prefix.len() - 2) {
            let _ = writeln!(out, "{prefix}\"{piece}\"");
        }
    }
}

/// Cuts `text` after spaces into pieces of at most `width` characters where it can.
fn wrap(text: &str, width: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut last_break: Option<usize> = None;
    let mut count = 0;
    for (i, c) in text.char_indices() {
        count += 1;
        if c == ' ' {
            last_break = Some(i + 1);
        }
        if count > width
            && let Some(at) = last_break
            && at > start
        {
            pieces.push(&text[start..at]);
            count = text[at..i + c.len_utf8()].chars().count();
            start = at;
            last_break = None;
        }
    }
    if start < text.len() || pieces.is_empty() {
        pieces.push(&text[start..]);
    }
    pieces
}

fn write_entry(out: &mut String, entry: &Entry) {
    for comment in &entry.translator_comments {
        if comment.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {comment}");
        }
    }
    for comment in &entry.extracted_comments {
        let _ = writeln!(out, "#. {comment}");
    }
    // References on one line each unless short, like msgmerge's wrapping of `#:` lines.
    let mut line = String::new();
    for reference in &entry.references {
        if !line.is_empty() && line.len() + 1 + reference.len() > WIDTH {
            let _ = writeln!(out, "{line}");
            line.clear();
        }
        if line.is_empty() {
            line.push_str("#:");
        }
        line.push(' ');
        line.push_str(reference);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{line}");
    }
    if !entry.flags.is_empty() {
        let _ = writeln!(out, "#, {}", entry.flags.join(", "));
    }
    let prefix = if entry.obsolete { "#~ " } else { "" };
    if let Some(previous) = &entry.previous_msgid
        && !entry.obsolete
    {
        write_field(out, "#| ", "msgid", previous);
    }
    if let Some(context) = &entry.msgctxt {
        write_field(out, prefix, "msgctxt", context);
    }
    write_field(out, prefix, "msgid", &entry.msgid);
    if let Some(plural) = &entry.msgid_plural {
        write_field(out, prefix, "msgid_plural", plural);
        for (n, form) in entry.msgstr.iter().enumerate() {
            write_field(out, prefix, &format!("msgstr[{n}]"), form);
        }
    } else {
        write_field(out, prefix, "msgstr", entry.msgstr.first().map(String::as_str).unwrap_or(""));
    }
}

/// Writes a catalogue: the header, the current entries, then the obsolete ones.
pub fn write(catalog: &Catalog) -> String {
    let mut out = String::new();
    let mut header = catalog.header.clone();
    header.msgid.clear();
    if header.msgstr.is_empty() {
        header.msgstr.push(String::new());
    }
    write_entry(&mut out, &header);
    let current = catalog.entries.iter().filter(|e| !e.obsolete);
    let obsolete = catalog.entries.iter().filter(|e| e.obsolete);
    for entry in current.chain(obsolete) {
        out.push('\n');
        write_entry(&mut out, entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# Indonesian translation of the book.
msgid ""
msgstr ""
"Language: id\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: src/lessons/01-raw-cookies.md
msgid "Raw cookies"
msgstr "Cookie mentah"

# checked by Sari
#: src/a.md src/b.md:12
#, fuzzy
#| msgid "The old \"text\""
msgid ""
"A long message that goes on and on, with a line break\n"
"and a tab\there."
msgstr "Terjemahan"

#: src/gone.md
#~ msgid "Removed"
#~ msgstr "Dihapus"
"#;

    #[test]
    fn a_catalogue_reads_back_what_it_wrote() {
        let catalog = parse(SAMPLE).unwrap();
        assert_eq!(catalog.header_field("Language"), Some("id"));
        assert_eq!(catalog.header.translator_comments, ["Indonesian translation of the book."]);
        assert_eq!(catalog.entries.len(), 3);
        let second = &catalog.entries[1];
        assert_eq!(
            second.msgid,
            "A long message that goes on and on, with a line break\nand a tab\there."
        );
        assert!(second.is_fuzzy() && !second.is_translated() && second.has_translation());
        assert_eq!(second.previous_msgid.as_deref(), Some("The old \"text\""));
        assert_eq!(second.pages(), ["src/a.md", "src/b.md"]);
        assert_eq!(second.translator_comments, ["checked by Sari"]);
        assert!(catalog.entries[2].obsolete);
        assert_eq!(catalog.entries[2].msgstr, ["Dihapus"]);
        assert_eq!(parse(&write(&catalog)).unwrap(), catalog);
    }

    #[test]
    fn long_lines_are_wrapped_and_read_back_whole() {
        let text = "word ".repeat(60);
        let catalog = Catalog { entries: vec![Entry::new(text.clone())], ..Catalog::default() };
        let written = write(&catalog);
        assert!(written.lines().all(|line| line.chars().count() <= WIDTH), "{written}");
        assert_eq!(parse(&written).unwrap().entries[0].msgid, text);
    }

    #[test]
    fn a_malformed_file_is_an_error_with_its_line_not_a_panic() {
        for bad in [
            "msgid \"a\nmsgstr \"\"",
            "msgid \"a\"\nmsgstr \"\\q\"",
            "\"stray\"",
            "msgid \"x\"",
            "msgstr[3] \"\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
        let error = parse("msgid \"\"\nmsgstr \"\"\n\nmsgid \"a\"\nmsgstr \"b\"c\"\n").unwrap_err();
        assert_eq!(error.line, 5);
    }
}
