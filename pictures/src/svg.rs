//! A few lines of SVG, written as text: the elements the pictures use, escaped, with every
//! number rounded the same way, so the same input always gives the same bytes.

use std::fmt::Write;

/// Monospace text: the width of one character, as a share of the font size. Layouts are
/// computed from it (generously: a wider font still fits).
pub const MONO_WIDTH: f64 = 0.62;
/// Proportional text: a generous average width of one character, as a share of the font size.
pub const SANS_WIDTH: f64 = 0.58;

/// The fonts: the system's, no web font to fetch.
pub const MONO: &str =
    "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
pub const SANS: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

/// `&`, `<`, `>` and quotes as entities: text and attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number as SVG wants it: at most one decimal, no trailing `.0`.
pub fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == rounded.trunc() { format!("{}", rounded as i64) } else { format!("{rounded:.1}") }
}

/// An SVG document being written: its elements in order, then `finish` puts the frame around
/// them.
pub struct Svg {
    pub width: f64,
    pub height: f64,
    body: String,
}

impl Svg {
    pub fn new(width: f64, height: f64) -> Svg {
        Svg { width, height, body: String::new() }
    }

    /// Any element, written as it is (the caller escapes what it puts in).
    pub fn raw(&mut self, element: &str) {
        self.body.push_str(element);
        self.body.push('\n');
    }

    /// Another document's elements, after this one's.
    pub fn append(&mut self, other: Svg) {
        self.body.push_str(&other.body);
    }

    /// A line; `class` names a style of the document's `<style>`.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
        self.raw(&format!(
            r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        ));
    }

    pub fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), class: &str) {
        self.raw(&format!(
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" rx="4"/>"#,
            num(x),
            num(y),
            num(w),
            num(h)
        ));
    }

    /// A line of text starting at `x` (its baseline at `y`).
    pub fn text(&mut self, (x, y): (f64, f64), class: &str, text: &str) {
        self.raw(&format!(
            r#"<text class="{class}" x="{}" y="{}">{}</text>"#,
            num(x),
            num(y),
            escape(text)
        ));
    }

    /// A line of text centred on `x`.
    pub fn centred(&mut self, (x, y): (f64, f64), class: &str, text: &str) {
        self.raw(&format!(
            r#"<text class="{class}" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            num(x),
            num(y),
            escape(text)
        ));
    }

    /// A line of text ending at `x`.
    pub fn right(&mut self, (x, y): (f64, f64), class: &str, text: &str) {
        self.raw(&format!(
            r#"<text class="{class}" x="{}" y="{}" text-anchor="end">{}</text>"#,
            num(x),
            num(y),
            escape(text)
        ));
    }

    /// A line of text whose `code spans` are set in the monospace font.
    pub fn prose(&mut self, (x, y): (f64, f64), class: &str, text: &str) {
        let mut out = format!(r#"<text class="{class}" x="{}" y="{}">"#, num(x), num(y));
        for (i, part) in text.split('`').enumerate() {
            if part.is_empty() {
                continue;
            }
            if i % 2 == 1 {
                let _ = write!(out, r#"<tspan class="code">{}</tspan>"#, escape(part));
            } else {
                out.push_str(&escape(part));
            }
        }
        out.push_str("</text>");
        self.raw(&out);
    }

    /// The document: a white card (readable on the book's dark themes too), `title` for screen
    /// readers, the styles, the elements.
    pub fn finish(self, title: &str, style: &str) -> String {
        let (w, h) = (num(self.width), num(self.height));
        format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">"#,
                "\n<title>{title}</title>\n<style>\n{style}</style>\n",
                r##"<rect x="0" y="0" width="{w}" height="{h}" rx="6" fill="#ffffff" stroke="#d0d4da"/>"##,
                "\n{body}</svg>\n"
            ),
            w = w,
            h = h,
            title = escape(title),
            style = style,
            body = self.body
        )
    }
}

/// How wide a line of `chars` characters is at `size` px, in a font `share` wide per character.
pub fn width(chars: usize, size: f64, share: f64) -> f64 {
    chars as f64 * size * share
}

/// How wide a line of prose is at `size` px: its `code spans` in the monospace font, the rest
/// in the proportional one (`bold`: a little wider). An estimate, on the generous side: the
/// pictures' tests check that every line fits its place by it.
pub fn prose_width(text: &str, size: f64, bold: bool) -> f64 {
    let sans = if bold { SANS_WIDTH * 1.08 } else { SANS_WIDTH };
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let share = if i % 2 == 1 { MONO_WIDTH } else { sans };
            width(part.chars().count(), size, share)
        })
        .sum()
}

/// `text` in lines of at most `max` characters, broken at spaces (a longer word stays whole).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_are_written_one_way() {
        assert_eq!(
            escape(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(
            (num(12.0), num(12.04), num(12.06), num(-0.0)),
            ("12".into(), "12".into(), "12.1".into(), "0".into())
        );
    }

    #[test]
    fn prose_is_wrapped_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("averyveryverylongword x", 5), ["averyveryverylongword", "x"]);
    }

    #[test]
    fn code_spans_are_set_in_the_monospace_font() {
        let mut svg = Svg::new(10.0, 10.0);
        svg.prose((1.0, 2.0), "label", "`just test NN` after <an> edit");
        let out = svg.finish("t", "");
        assert!(
            out.contains(r#"<tspan class="code">just test NN</tspan> after &lt;an&gt; edit"#),
            "{out}"
        );
    }
}
