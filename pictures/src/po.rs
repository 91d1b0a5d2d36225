//! Just enough of a gettext catalogue (`docs/po/id.po`) to translate a chart's labels the way
//! the book's table translates them: the translated, not fuzzy, not obsolete messages.

use std::collections::HashMap;

/// English message → its translation.
#[derive(Debug, Default)]
pub struct Catalogue {
    messages: HashMap<String, String>,
}

impl Catalogue {
    /// A catalogue read from the text of a `.po` file.
    pub fn parse(text: &str) -> Catalogue {
        let mut messages = HashMap::new();
        // The entry being read: its flags, msgctxt, msgid and msgstr.
        let mut fuzzy = false;
        let mut context = false;
        let mut id: Option<String> = None;
        let mut string: Option<String> = None;
        // Which of the two the next continuation line belongs to.
        let mut in_string = false;
        let mut finish =
            |fuzzy: bool, context: bool, id: Option<String>, string: Option<String>| {
                if let (Some(id), Some(string)) = (id, string)
                    && !fuzzy
                    && !context
                    && !id.is_empty()
                    && !string.is_empty()
                {
                    messages.insert(id, string);
                }
            };
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with("#~") {
                continue;
            }
            let starts_entry = line.starts_with("#,")
                || line.starts_with("msgctxt ")
                || line.starts_with("msgid ");
            if starts_entry && string.is_some() {
                finish(fuzzy, context, id.take(), string.take());
                fuzzy = false;
                context = false;
            }
            if let Some(flags) = line.strip_prefix("#,") {
                fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            } else if line.starts_with('#') {
                continue;
            } else if let Some(rest) = line.strip_prefix("msgctxt ") {
                context = !unquote(rest).is_empty();
            } else if let Some(rest) = line.strip_prefix("msgid ") {
                id = Some(unquote(rest));
                in_string = false;
            } else if let Some(rest) = line.strip_prefix("msgstr ") {
                string = Some(unquote(rest));
                in_string = true;
            } else if line.starts_with('"') {
                let target = if in_string { string.as_mut() } else { id.as_mut() };
                if let Some(target) = target {
                    target.push_str(&unquote(line));
                }
            }
        }
        finish(fuzzy, context, id, string);
        Catalogue { messages }
    }

    /// The translation of `english`, if the catalogue has one.
    pub fn get(&self, english: &str) -> Option<&str> {
        self.messages.get(english).map(String::as_str)
    }
}

/// `"a \"b\"\n"` → `a "b"` and a line break.
fn unquote(quoted: &str) -> String {
    let inner = quoted.trim().strip_prefix('"').and_then(|q| q.strip_suffix('"')).unwrap_or("");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_messages_are_read_and_fuzzy_or_obsolete_ones_are_not() {
        let po = r#"
msgid ""
msgstr "Language: id\n"

#: src/performance.md
msgid "budget"
msgstr "batas"

#: src/performance.md
msgid ""
"lesson 04's page against the bare "
"handler (×)"
msgstr ""
"halaman pelajaran 04 dibandingkan dengan "
"handler polos (×)"

#, fuzzy
msgid "kept?"
msgstr "terpenuhi?"

#, fuzzy
msgctxt "menu"
msgid "what"
msgstr "apa"

msgid "untranslated"
msgstr ""

msgid "say \"hi\""
msgstr "katakan \"hai\""

#~ msgid "gone"
#~ msgstr "hilang"
"#;
        let catalogue = Catalogue::parse(po);
        assert_eq!(catalogue.get("budget"), Some("batas"));
        assert_eq!(
            catalogue.get("lesson 04's page against the bare handler (×)"),
            Some("halaman pelajaran 04 dibandingkan dengan handler polos (×)")
        );
        assert_eq!(catalogue.get("say \"hi\""), Some("katakan \"hai\""));
        for missing in ["kept?", "what", "untranslated", "gone", ""] {
            assert_eq!(catalogue.get(missing), None, "{missing}");
        }
    }
}
