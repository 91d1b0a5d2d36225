//! Three ways to say who a request comes from, side by side (lessons 15 and 16): a session
//! cookie, an API token and a JWT. One lane each: what the client holds, how it travels, where
//! the server checks it and what it keeps for that, then how it is revoked and what a stolen
//! one gives. The table of lesson 16 says the same in words; this is the picture of it.

use crate::Language;
use crate::svg::{self, SANS_WIDTH, Svg, num};

/// How it is revoked: at once, or not at all.
#[derive(Clone, Copy, PartialEq)]
enum Revoked {
    AtOnce,
    Never,
}

/// One carrier, in one language. Lines are written out, not wrapped by the code, so a
/// `code span` never breaks; the tests check that each fits its place.
struct Lane {
    title: &'static str,
    /// Who holds it, and what they hold.
    holder: &'static str,
    holds: &'static [&'static str],
    /// The header it travels in (code: the same in both languages), and a note under it.
    header: &'static str,
    travels: &'static [&'static str],
    /// What the server does with it.
    checks: &'static [&'static str],
    /// What the server keeps: a table's name, or `None` for nothing; and a caption.
    table: Option<&'static str>,
    keeps: &'static [&'static str],
    revoked: Revoked,
    revoke: &'static [&'static str],
    stolen: &'static [&'static str],
}

struct Words {
    title: &'static str,
    columns: [&'static str; 4],
    revoke: &'static str,
    stolen: &'static str,
    lanes: [Lane; 3],
}

const ENGLISH: Words = Words {
    title: "Session cookie, API token or JWT: who holds what, and who can take it back",
    columns: ["the client holds", "it travels as", "the server checks", "keeps"],
    revoke: "revoked",
    stolen: "if stolen",
    lanes: [
        Lane {
            title: "Session cookie · lessons 11 to 16",
            holder: "a browser",
            holds: &[
                "the `session` cookie:",
                "a random id, `HttpOnly`:",
                "page scripts cannot read it",
            ],
            header: "Cookie: session=…",
            travels: &["sent by the browser on its own:", "forms need a CSRF token"],
            checks: &["looks the id up:", "one row read per request"],
            table: Some("sessions"),
            keeps: &["a row per", "session"],
            revoked: Revoked::AtOnce,
            revoke: &["log out, or \"Log out everywhere", "else\": the row is deleted at once"],
            stolen: &["everything the browser could do,", "until the session ends"],
        },
        Lane {
            title: "API token · lesson 15",
            holder: "a script, a CI job",
            holds: &["`woof_…`, shown once,", "kept like a password"],
            header: "Authorization: Bearer woof_…",
            travels: &["only the client sends it:", "no CSRF"],
            checks: &["hashes it (SHA-256),", "looks the hash up,", "notes `last_used`"],
            table: Some("api_tokens"),
            keeps: &["only the", "hash"],
            revoked: Revoked::AtOnce,
            revoke: &["the Revoke button deletes the", "row: the next call gets 401"],
            stolen: &["all the API allows its owner,", "until revoked; but no new tokens"],
        },
        Lane {
            title: "JWT · lesson 16",
            holder: "an app that can ask again",
            holds: &[
                "`eyJ…`: who and until when,",
                "signed by the server;",
                "good for 15 minutes (`exp`)",
            ],
            header: "Authorization: Bearer eyJ…",
            travels: &["only the client sends it:", "no CSRF"],
            checks: &["checks the signature and", "`exp` with its key alone:", "no lookup"],
            table: None,
            keeps: &["nothing"],
            revoked: Revoked::Never,
            revoke: &["not before it expires; only a new", "`SECRET_KEY` ends them all"],
            stolen: &["everything the API allows, for at", "most 15 minutes: nothing stops it"],
        },
    ],
};

const INDONESIAN: Words = Words {
    title: "Cookie session, token API atau JWT: siapa memegang apa, dan siapa bisa mencabutnya",
    columns: ["client memegang", "dikirim sebagai", "server memeriksa", "menyimpan"],
    revoke: "dicabut",
    stolen: "jika dicuri",
    lanes: [
        Lane {
            title: "Cookie session · pelajaran 11 sampai 16",
            holder: "browser",
            holds: &[
                "cookie `session`: id acak,",
                "`HttpOnly`: script halaman",
                "tidak bisa membacanya",
            ],
            header: "Cookie: session=…",
            travels: &["browser mengirimnya sendiri:", "form memerlukan token CSRF"],
            checks: &["mencari id itu:", "satu baris dibaca", "per request"],
            table: Some("sessions"),
            keeps: &["satu baris", "per session"],
            revoked: Revoked::AtOnce,
            revoke: &["logout, atau \"Log out everywhere", "else\": barisnya langsung dihapus"],
            stolen: &["semua yang bisa dilakukan browser,", "sampai session berakhir"],
        },
        Lane {
            title: "Token API · pelajaran 15",
            holder: "script, job CI",
            holds: &["`woof_…`, ditampilkan sekali,", "disimpan seperti password"],
            header: "Authorization: Bearer woof_…",
            travels: &["hanya client yang mengirimnya:", "tanpa CSRF"],
            checks: &["meng-hash-nya (SHA-256),", "mencari hash itu,", "mencatat `last_used`"],
            table: Some("api_tokens"),
            keeps: &["hanya", "hash-nya"],
            revoked: Revoked::AtOnce,
            revoke: &["tombol Revoke menghapus barisnya:", "panggilan berikutnya mendapat 401"],
            stolen: &[
                "semua yang diizinkan API bagi",
                "pemiliknya, sampai dicabut; tanpa",
                "token baru",
            ],
        },
        Lane {
            title: "JWT · pelajaran 16",
            holder: "aplikasi yang bisa minta lagi",
            holds: &[
                "`eyJ…`: siapa, sampai kapan,",
                "ditandatangani server;",
                "berlaku 15 menit (`exp`)",
            ],
            header: "Authorization: Bearer eyJ…",
            travels: &["hanya client yang mengirimnya:", "tanpa CSRF"],
            checks: &[
                "memeriksa tanda tangan",
                "dan `exp` dengan kuncinya",
                "saja: tanpa pencarian",
            ],
            table: None,
            keeps: &["tidak ada"],
            revoked: Revoked::Never,
            revoke: &[
                "tidak bisa sebelum kedaluwarsa;",
                "hanya `SECRET_KEY` baru yang",
                "mengakhiri semuanya",
            ],
            stolen: &[
                "semua yang diizinkan API, paling",
                "lama 15 menit: tak ada yang bisa",
                "menghentikannya",
            ],
        },
    ],
};

const WIDTH: f64 = 760.0;
const MARGIN: f64 = 16.0;
/// The four columns, left and right: the client's box, the arrow, the server's box, the store.
const CLIENT: (f64, f64) = (16.0, 250.0);
const ARROW: (f64, f64) = (250.0, 456.0);
const SERVER: (f64, f64) = (456.0, 660.0);
const STORE: (f64, f64) = (664.0, 752.0);
/// Padding inside a box.
const PAD: f64 = 8.0;
const LINE: f64 = 15.0;
/// Where a chip's lines start, after its heading.
const CHIP_TEXT: f64 = 112.0;

const STYLE: &str = "text { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; font-size: 12px; fill: #263238; }
.code, .header { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace; }
.title { font-size: 14px; font-weight: 600; }
.column { fill: #546e7a; font-size: 11px; font-weight: 600; }
.lane { font-size: 13px; font-weight: 700; fill: #0d47a1; }
.who { font-weight: 700; }
.header { font-size: 11px; fill: #0b3d91; font-weight: 700; }
.note { fill: #546e7a; font-size: 11px; }
.store { font-size: 11px; font-weight: 600; }
.box { fill: #f5f7fa; stroke: #b0bec5; }
.band { fill: #e3f2fd; stroke: none; }
.to { stroke: #0b3d91; stroke-width: 1.5; }
.link { stroke: #8d6e63; stroke-width: 1.2; }
.tip { fill: #0b3d91; }
.db { fill: #fff8e1; stroke: #8d6e63; stroke-width: 1.2; }
.nodb { fill: none; stroke: #b0bec5; stroke-width: 1.2; stroke-dasharray: 4 3; }
.cross { stroke: #c62828; stroke-width: 2; }
.good { fill: #e8f5e9; stroke: #66bb6a; }
.bad { fill: #ffebee; stroke: #e53935; }
.warn { fill: #fff3e0; stroke: #fb8c00; }
.good-mark { fill: #2e7d32; font-weight: 700; }
.bad-mark { fill: #c62828; font-weight: 700; }
.warn-mark { fill: #e65100; font-weight: 700; }
";

fn words(language: Language) -> &'static Words {
    match language {
        Language::English => &ENGLISH,
        Language::Indonesian => &INDONESIAN,
    }
}

/// The picture, in `language`.
pub fn render(language: Language) -> String {
    let words = words(language);
    let mut svg = Svg::new(WIDTH, 0.0);
    let title_chars = ((WIDTH - 2.0 * MARGIN) / (14.0 * SANS_WIDTH * 1.08)) as usize;
    let mut y = 24.0;
    for line in svg::wrap(words.title, title_chars) {
        svg.text((MARGIN, y), "title", &line);
        y += 18.0;
    }
    y += 4.0;
    let columns = [CLIENT, ARROW, SERVER, STORE];
    for (column, (left, right)) in words.columns.iter().zip(columns) {
        svg.centred(((left + right) / 2.0, y), "column", column);
    }
    y += 6.0;
    for lane in &words.lanes {
        y = draw_lane(&mut svg, lane, words, y + 8.0);
    }
    svg.height = y + MARGIN - 6.0;
    svg.finish(words.title, STYLE)
}

/// One lane from `top`; returns where it ends.
fn draw_lane(svg: &mut Svg, lane: &Lane, words: &Words, top: f64) -> f64 {
    svg.rect((MARGIN - 8.0, top), (WIDTH - 2.0 * MARGIN + 16.0, 24.0), "band");
    svg.text((MARGIN, top + 16.5), "lane", lane.title);
    let y = top + 34.0;
    let lines = (1 + lane.holds.len()).max(1 + lane.checks.len()).max(3);
    let height = 10.0 + LINE * lines as f64;
    let first = y + 17.0;

    // The client's box: who, then what it holds.
    svg.rect((CLIENT.0, y), (CLIENT.1 - CLIENT.0, height), "box");
    svg.text((CLIENT.0 + PAD, first), "who", lane.holder);
    for (i, line) in lane.holds.iter().enumerate() {
        svg.prose((CLIENT.0 + PAD, first + LINE * (i + 1) as f64), "body", line);
    }

    // The arrow, with the header above it and a note below.
    let middle = y + 22.0;
    svg.centred(((ARROW.0 + ARROW.1) / 2.0, middle - 7.0), "header", lane.header);
    svg.line((ARROW.0 + 2.0, middle), (ARROW.1 - 10.0, middle), "to");
    svg.raw(&format!(
        r#"<polygon class="tip" points="{},{} {},{} {},{}"/>"#,
        num(ARROW.1 - 1.0),
        num(middle),
        num(ARROW.1 - 11.0),
        num(middle - 4.5),
        num(ARROW.1 - 11.0),
        num(middle + 4.5)
    ));
    for (i, line) in lane.travels.iter().enumerate() {
        svg.centred(((ARROW.0 + ARROW.1) / 2.0, middle + 17.0 + 13.0 * i as f64), "note", line);
    }

    // The server's box.
    svg.rect((SERVER.0, y), (SERVER.1 - SERVER.0, height), "box");
    svg.text((SERVER.0 + PAD, first), "who", "server");
    for (i, line) in lane.checks.iter().enumerate() {
        svg.prose((SERVER.0 + PAD, first + LINE * (i + 1) as f64), "body", line);
    }

    // The store: a table (a cylinder), or nothing (a dashed one, crossed out).
    let (cx, rx, ry) = ((STORE.0 + STORE.1) / 2.0, 38.0, 6.0);
    let (cy_top, cy_bottom) = (y + 2.0, y + 34.0);
    svg.line((SERVER.1, middle), (cx - rx, middle), "link");
    let class = if lane.table.is_some() { "db" } else { "nodb" };
    svg.raw(&format!(
        r#"<path class="{class}" d="M{l},{t} L{l},{b} A{rx},{ry} 0 0 0 {r},{b} L{r},{t} A{rx},{ry} 0 0 0 {l},{t} A{rx},{ry} 0 0 0 {r},{t}"/>"#,
        l = num(cx - rx),
        r = num(cx + rx),
        t = num(cy_top + ry),
        b = num(cy_bottom),
        rx = num(rx),
        ry = num(ry),
    ));
    match lane.table {
        Some(table) => svg.raw(&format!(
            r#"<text class="code" x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>"#,
            num(cx),
            num(cy_top + 26.0),
            svg::escape(table)
        )),
        None => {
            svg.line((cx - rx - 2.0, cy_top), (cx + rx + 2.0, cy_bottom + ry), "cross");
            svg.line((cx + rx + 2.0, cy_top), (cx - rx - 2.0, cy_bottom + ry), "cross");
        }
    }
    for (i, line) in lane.keeps.iter().enumerate() {
        svg.centred((cx, cy_bottom + ry + 15.0 + 13.0 * i as f64), "store", line);
    }

    // How it is revoked, and what a stolen one gives.
    let chips = y + height + 8.0;
    let chip_height = 8.0 + LINE * lane.revoke.len().max(lane.stolen.len()) as f64;
    let (class, mark) = match lane.revoked {
        Revoked::AtOnce => ("good", "✓"),
        Revoked::Never => ("bad", "✗"),
    };
    chip(svg, (MARGIN, chips), chip_height, class, mark, words.revoke, lane.revoke);
    chip(svg, (MARGIN + HALF + GAP, chips), chip_height, "warn", "⚠", words.stolen, lane.stolen);
    chips + chip_height + 6.0
}

/// A chip's width, and the space between the two of a lane.
const HALF: f64 = (WIDTH - 2.0 * MARGIN - GAP) / 2.0;
const GAP: f64 = 12.0;

/// A rounded box with a mark and a heading, then lines.
fn chip(
    svg: &mut Svg,
    (x, y): (f64, f64),
    h: f64,
    class: &str,
    mark: &str,
    heading: &str,
    lines: &[&str],
) {
    svg.rect((x, y), (HALF, h), class);
    svg.text((x + PAD, y + 16.0), &format!("{class}-mark"), &format!("{mark} {heading}"));
    for (i, line) in lines.iter().enumerate() {
        svg.prose((x + CHIP_TEXT, y + 16.0 + LINE * i as f64), "body", line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_has_the_same_picture_in_its_own_words() {
        let english = render(Language::English);
        let indonesian = render(Language::Indonesian);
        for header in
            ["Cookie: session=…", "Authorization: Bearer woof_…", "Authorization: Bearer eyJ…"]
        {
            assert!(english.contains(header) && indonesian.contains(header), "{header}");
        }
        assert!(english.contains("if stolen") && indonesian.contains("jika dicuri"));
        assert_eq!(english.matches("class=\"cross\"").count(), 2, "the JWT's store is crossed out");
        assert_eq!(english.matches("<path").count(), indonesian.matches("<path").count());
        assert_eq!(english.matches("✗").count(), 1, "only the JWT cannot be taken back");
    }

    /// Every line fits its place, by the generous estimate of its width, in both languages.
    #[test]
    fn every_line_fits_its_box() {
        let fits = |text: &str, size: f64, bold: bool, room: f64| {
            let width = svg::prose_width(text, size, bold);
            assert!(width <= room, "{text:?}: {width:.0} px, room for {room:.0}");
        };
        for language in Language::ALL {
            let words = words(language);
            for (column, (left, right)) in words.columns.iter().zip([CLIENT, ARROW, SERVER, STORE])
            {
                fits(column, 11.0, true, right - left + 8.0);
            }
            for lane in &words.lanes {
                fits(lane.holder, 12.0, true, CLIENT.1 - CLIENT.0 - 2.0 * PAD);
                for line in lane.holds {
                    fits(line, 12.0, false, CLIENT.1 - CLIENT.0 - 2.0 * PAD);
                }
                fits(&format!("`{}`", lane.header), 11.0, true, ARROW.1 - ARROW.0 - 4.0);
                for line in lane.travels {
                    fits(line, 11.0, false, ARROW.1 - ARROW.0 - 4.0);
                }
                for line in lane.checks {
                    fits(line, 12.0, false, SERVER.1 - SERVER.0 - 2.0 * PAD);
                }
                for line in lane.keeps {
                    fits(line, 11.0, true, STORE.1 - STORE.0 + 4.0);
                }
                for line in lane.revoke.iter().chain(lane.stolen) {
                    fits(line, 12.0, false, HALF - CHIP_TEXT - PAD);
                }
                for heading in [words.revoke, words.stolen] {
                    fits(&format!("✓ {heading}"), 12.0, true, CHIP_TEXT - PAD - 4.0);
                }
            }
        }
    }
}
