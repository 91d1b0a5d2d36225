//! A sequence diagram of one flow: the browser's lifeline on the left, the server's on the
//! right, one arrow per request (method, path, the `Cookie` header, the form, the headers a
//! scenario set) and one back (status, `Location`, every `Set-Cookie` with its attributes).
//!
//! What differs from run to run is masked, so the same flow always draws the same bytes and a
//! committed diagram can be compared with today's: a value that looks random (a session id, a
//! signature, a token: `…`, a `woof_` prefix kept), every `Expires` date, loopback ports. A
//! password is never drawn (`***`). The rest is shown as the browser saw it: `username=alice`
//! is the point of lesson 01.
//!
//! The words are HTTP's and the two lifelines' ("browser", "server", which the Indonesian
//! edition uses too): one file serves both editions.

use crate::svg::{self, MONO_WIDTH, Svg, num};

/// What stands for a masked value.
pub const MASK: &str = "…";
/// What stands for a password.
pub const PASSWORD: &str = "***";

/// One request and its response, as a scenario's browser recorded them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    /// Which browser of the scenario sent it: 1 for the first, 2 for a second one, ...
    pub browser: usize,
    /// How far the scenario had moved the clock when it was sent, in seconds: a jump between
    /// two steps is drawn (a clock and `+5 min`).
    pub clock: i64,
    pub method: String,
    pub path: String,
    /// The `Cookie` header the request carried.
    pub cookie: Option<String>,
    pub form: Vec<(String, String)>,
    /// Other request headers the scenario set (`Authorization`, `Origin`, ...).
    pub headers: Vec<(String, String)>,
    pub status: u16,
    pub location: Option<String>,
    /// The `Set-Cookie` headers, as sent.
    pub set_cookies: Vec<String>,
}

/// Whether a value is one a fresh server makes anew each run: 16 characters or more, all of
/// them from the alphabets of tokens, signatures and ciphertexts (base64, base64url, hex, a
/// JWT's dots), and not a path.
pub fn looks_random(value: &str) -> bool {
    let value = value.trim_matches('"');
    value.chars().count() >= 16
        && !value.starts_with('/')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))
}

/// A value with what differs per run masked: `…`, or `woof_…` when a short lowercase word and
/// `_` come before the random part (the API tokens' prefix says what they are).
pub fn mask_value(value: &str) -> String {
    if let Some(at) = value.find('_') {
        let (prefix, rest) = (&value[..at], &value[at + 1..]);
        if (1..=8).contains(&prefix.len())
            && prefix.chars().all(|c| c.is_ascii_lowercase())
            && looks_random(rest)
        {
            return format!("{prefix}_{MASK}");
        }
    }
    if looks_random(value) { MASK.to_string() } else { mask_ports(value) }
}

/// `127.0.0.1:40123` → `127.0.0.1:…`: every server of the suite gets a free port.
pub fn mask_ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = ["127.0.0.1:", "localhost:"]
        .iter()
        .filter_map(|host| rest.find(host).map(|i| i + host.len()))
        .min()
    {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push_str(MASK);
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// A path (or a `Location`) with each random-looking segment and query value masked.
pub fn mask_path(path: &str) -> String {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out: String =
        mask_ports(&path.split('/').map(mask_value).collect::<Vec<_>>().join("/"));
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => format!("{name}={}", mask_value(value)),
                None => mask_value(pair),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// `Cookie: a=1; b=2`, each value masked as needed.
pub fn mask_cookie_header(header: &str) -> String {
    header
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => format!("{name}={}", mask_value(value)),
            None => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A `Set-Cookie` header: name, value (masked as needed), each attribute as sent, `Expires`
/// masked (a date).
pub fn mask_set_cookie(header: &str) -> String {
    let mut parts = header.split(';').map(str::trim).filter(|p| !p.is_empty());
    let mut out = match parts.next().and_then(|pair| pair.split_once('=')) {
        Some((name, value)) => format!("{name}={}", mask_value(value)),
        None => header.to_string(),
    };
    for part in parts {
        out.push_str("; ");
        match part.split_once('=') {
            Some((name, _)) if name.trim().eq_ignore_ascii_case("expires") => {
                out.push_str(&format!("{}={MASK}", name.trim()));
            }
            Some((name, value)) => {
                out.push_str(&format!("{}={}", name.trim(), mask_value(value.trim())))
            }
            None => out.push_str(part),
        }
    }
    out
}

/// A form field as drawn: a password as `***`, any other value masked as needed.
pub fn mask_field(name: &str, value: &str) -> String {
    if name.to_ascii_lowercase().contains("password") {
        format!("{name}={PASSWORD}")
    } else {
        format!("{name}={}", mask_value(value))
    }
}

/// A request header as drawn: each word of its value masked as needed (`Bearer woof_…`).
pub fn mask_header(name: &str, value: &str) -> String {
    let words: Vec<String> = value.split(' ').map(mask_value).collect();
    format!("{name}: {}", words.join(" "))
}

/// The reason phrase of the statuses the lessons answer with.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Lines of a diagram, each with its style (`req`, `cookie`, `form`, `hdr`, `res`, `bad`,
/// `setcookie`).
pub type Lines = Vec<(&'static str, String)>;

/// The lines drawn for one step: above the request arrow, and above the response arrow; a line
/// longer than `max` characters is broken.
pub fn lines(step: &Step, max: usize) -> (Lines, Lines) {
    let mut request = vec![("req", format!("{} {}", step.method, mask_path(&step.path)))];
    if let Some(cookie) = &step.cookie {
        request.extend(wrapped("cookie", max, &format!("Cookie: {}", mask_cookie_header(cookie))));
    }
    for (name, value) in &step.headers {
        request.extend(wrapped("hdr", max, &mask_header(name, value)));
    }
    if !step.form.is_empty() {
        let fields: Vec<String> = step.form.iter().map(|(n, v)| mask_field(n, v)).collect();
        request.extend(wrapped("form", max, &format!("form: {}", fields.join("&"))));
    }
    let mut status = format!("{} {}", step.status, reason(step.status)).trim_end().to_string();
    if let Some(location) = &step.location {
        status.push_str(&format!(" → {}", mask_path(location)));
    }
    let class = if step.status >= 400 { "bad" } else { "res" };
    let mut response = vec![(class, status)];
    for set_cookie in &step.set_cookies {
        response.extend(wrapped(
            "setcookie",
            max,
            &format!("Set-Cookie: {}", mask_set_cookie(set_cookie)),
        ));
    }
    (request, response)
}

/// Lines longer than `max` characters, broken after a `; ` or `&` (or a space), the rest
/// indented.
fn wrapped(class: &'static str, max: usize, text: &str) -> Lines {
    let mut out = Vec::new();
    let mut rest = text.to_string();
    while rest.chars().count() > max {
        let limit: usize = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let head = &rest[..limit];
        let at = head
            .rfind("; ")
            .map(|i| i + 2)
            .or_else(|| head.rfind('&').map(|i| i + 1))
            .or_else(|| head.rfind(' ').map(|i| i + 1))
            .filter(|&i| i > 8);
        let Some(at) = at else { break };
        out.push((class, rest[..at].trim_end().to_string()));
        rest = format!("    {}", &rest[at..]);
    }
    out.push((class, rest));
    out
}

/// How wide a diagram may be without the book shrinking it (its text column is 750 px).
const FIT: f64 = 744.0;
/// The fewest characters a line is broken at, however many browsers there are.
const SHORTEST: usize = 40;
const FONT: f64 = 12.0;
const STEP: f64 = 16.0;
const MARGIN: f64 = 16.0;
const HEAD_WIDTH: f64 = 96.0;
const HEAD_TOP: f64 = 34.0;
const HEAD_HEIGHT: f64 = 26.0;
/// Between two browsers' lifelines.
const BROWSERS_APART: f64 = 112.0;

const STYLE: &str = "text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace; font-size: 12px; fill: #263238; }
.title { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; font-size: 13px; font-weight: 600; }
.head { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; font-size: 13px; font-weight: 600; }
.n { fill: #78909c; }
.req { fill: #0b3d91; font-weight: 700; }
.cookie { fill: #1565c0; }
.hdr, .form { fill: #455a64; }
.res { fill: #1b5e20; font-weight: 700; }
.bad { fill: #b71c1c; font-weight: 700; }
.setcookie { fill: #8d4a00; }
.box { fill: #eef2f7; stroke: #90a4ae; }
.life { stroke: #b0bec5; stroke-width: 1.5; stroke-dasharray: 4 4; }
.to { stroke: #0b3d91; stroke-width: 1.5; }
.back { stroke: #1b5e20; stroke-width: 1.5; stroke-dasharray: 6 3; }
.tip-to { fill: #0b3d91; }
.tip-back { fill: #1b5e20; }
.time { fill: #fff8e1; stroke: #ffb300; stroke-dasharray: 3 3; }
.later { fill: #6d4c00; font-weight: 700; }
.dial { fill: #ffffff; stroke: #6d4c00; stroke-width: 1.2; }
.hands { fill: none; stroke: #6d4c00; stroke-width: 1.2; }
";

/// The diagram of `steps`, titled `title` (the lesson and the scenario: names, not prose).
pub fn render(title: &str, steps: &[Step]) -> String {
    let browsers = steps.iter().map(|s| s.browser).max().unwrap_or(1).max(1);
    let browser_x = |k: usize| MARGIN + HEAD_WIDTH / 2.0 + (k.max(1) - 1) as f64 * BROWSERS_APART;
    let label_x = browser_x(browsers) + 12.0;
    // Lines are broken so the diagram fits the book's column; the server's lifeline follows the
    // longest.
    let room = FIT - label_x - 28.0 - HEAD_WIDTH / 2.0 - MARGIN;
    let max = ((room / (FONT * MONO_WIDTH)) as usize).max(SHORTEST);
    let drawn: Vec<_> = steps.iter().map(|step| lines(step, max)).collect();
    let longest = drawn
        .iter()
        .flat_map(|(req, res)| req.iter().chain(res))
        .map(|(_, text)| text.chars().count())
        .max()
        .unwrap_or(0);
    let server_x = label_x + svg::width(longest, FONT, MONO_WIDTH).max(300.0) + 28.0;
    let width = (server_x + HEAD_WIDTH / 2.0 + MARGIN)
        .max(svg::width(title.chars().count(), 13.0, svg::SANS_WIDTH) + 2.0 * MARGIN);

    let mut body = Svg::new(width, 0.0);
    let mut y = HEAD_TOP + HEAD_HEIGHT + 26.0;
    let mut clock = 0;
    for (n, ((request, response), step)) in drawn.iter().zip(steps).enumerate() {
        if step.clock != clock {
            let middle = (browser_x(1) + server_x) / 2.0;
            body.rect(
                (browser_x(1) - 30.0, y - 13.0),
                (server_x - browser_x(1) + 60.0, 20.0),
                "time",
            );
            // A small clock (drawn: no font needed), and the jump.
            let (cx, cy) = (middle - 34.0, y - 3.0);
            body.raw(&format!(
                r#"<circle class="dial" cx="{x}" cy="{y}" r="6"/><path class="hands" d="M{x},{top} L{x},{y} L{right},{y}"/>"#,
                x = num(cx),
                y = num(cy),
                top = num(cy - 4.0),
                right = num(cx + 3.0)
            ));
            body.text((cx + 11.0, y + 1.0), "later", &elapsed(step.clock - clock));
            clock = step.clock;
            y += 30.0;
        }
        let from = browser_x(step.browser);
        body.right((from - 8.0, y), "n", &format!("{}", n + 1));
        for (class, text) in request {
            label(&mut body, (label_x, y), class, text);
            y += STEP;
        }
        y -= 6.0;
        arrow(&mut body, from, server_x, y, "to");
        y += 20.0;
        for (class, text) in response {
            label(&mut body, (label_x, y), class, text);
            y += STEP;
        }
        y -= 6.0;
        arrow(&mut body, server_x, from, y, "back");
        y += 30.0;
    }
    let bottom = y - 14.0;

    let mut svg = Svg::new(width, bottom + MARGIN);
    svg.text((MARGIN, 22.0), "title", title);
    let mut heads: Vec<(f64, String)> = (1..=browsers)
        .map(|k| {
            let name = if browsers == 1 { "browser".to_string() } else { format!("browser {k}") };
            (browser_x(k), name)
        })
        .collect();
    heads.push((server_x, "server".to_string()));
    for (x, name) in &heads {
        svg.line((*x, HEAD_TOP + HEAD_HEIGHT), (*x, bottom), "life");
        svg.rect((x - HEAD_WIDTH / 2.0, HEAD_TOP), (HEAD_WIDTH, HEAD_HEIGHT), "box");
        svg.centred((*x, HEAD_TOP + 17.5), "head", name);
    }
    // The steps after the lifelines, so arrows and labels are drawn over them.
    svg.append(body);
    svg.finish(title, STYLE)
}

/// A line of a step; a broken line's rest, which starts with spaces, is moved right by as much
/// (SVG does not keep leading spaces).
fn label(svg: &mut Svg, (x, y): (f64, f64), class: &str, text: &str) {
    let rest = text.trim_start_matches(' ');
    let indent = svg::width(text.len() - rest.len(), FONT, MONO_WIDTH);
    svg.text((x + indent, y), class, rest);
}

/// A jump of the clock, in the largest unit that says it exactly: `+5 min`, `+301 s`, `+2 h`.
pub fn elapsed(seconds: i64) -> String {
    let sign = if seconds < 0 { "−" } else { "+" };
    let s = seconds.abs();
    match s {
        _ if s >= 86_400 && s % 86_400 == 0 => format!("{sign}{} d", s / 86_400),
        _ if s >= 3600 && s % 3600 == 0 => format!("{sign}{} h", s / 3600),
        _ if s >= 60 && s % 60 == 0 => format!("{sign}{} min", s / 60),
        _ => format!("{sign}{s} s"),
    }
}

/// A horizontal arrow from `x1` to `x2` at `y`, its tip at `x2`.
fn arrow(svg: &mut Svg, x1: f64, x2: f64, y: f64, class: &str) {
    let dir = if x2 > x1 { 1.0 } else { -1.0 };
    let tip = x2 - dir * 1.0;
    svg.line((x1, y), (tip - dir * 8.0, y), class);
    svg.raw(&format!(
        r#"<polygon class="tip-{class}" points="{},{} {},{} {},{}"/>"#,
        num(tip),
        num(y),
        num(tip - dir * 10.0),
        num(y - 4.5),
        num(tip - dir * 10.0),
        num(y + 4.5)
    ));
}

/// For a test's message: the drawn text of a diagram, one line each.
pub fn text_of(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")))
        .map(|(inner, _)| inner.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(method: &str, path: &str) -> Step {
        Step {
            browser: 1,
            method: method.into(),
            path: path.into(),
            status: 200,
            ..Step::default()
        }
    }

    #[test]
    fn random_values_are_masked_and_plain_ones_are_shown() {
        assert_eq!(mask_value("alice"), "alice");
        assert_eq!(mask_value("J%C3%BCrgen%20M%C3%BCller"), "J%C3%BCrgen%20M%C3%BCller");
        assert_eq!(mask_value("Qm9iIGlzIGEgY2F0IQ-_xyz0123456789"), MASK);
        assert_eq!(mask_value("\"Qm9iIGlzIGEgY2F0IQxyz\""), MASK, "quoted");
        assert_eq!(mask_value("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl"), MASK, "a JWT");
        assert_eq!(mask_value("woof_AbCdEfGhIjKlMnOpQrStUvWxYz012345"), "woof_…");
        assert_eq!(
            mask_value("/a/rather/long/path/to/somewhere"),
            "/a/rather/long/path/to/somewhere"
        );
        assert_eq!(
            mask_ports("http://127.0.0.1:40123/x and localhost:8"),
            "http://127.0.0.1:…/x and localhost:…"
        );
    }

    #[test]
    fn a_set_cookie_keeps_its_attributes_and_loses_its_date() {
        assert_eq!(
            mask_set_cookie("username=; Path=/; Max-Age=0; Expires=Sat, 22 Nov 2025 05:12:20 GMT"),
            "username=; Path=/; Max-Age=0; Expires=…"
        );
        assert_eq!(
            mask_set_cookie("session=AbCdEfGhIjKlMnOpQrStUvWx; HttpOnly; SameSite=Lax; Path=/"),
            "session=…; HttpOnly; SameSite=Lax; Path=/"
        );
        assert_eq!(mask_cookie_header("a=1; session=AbCdEfGhIjKlMnOpQrStUvWx"), "a=1; session=…");
    }

    #[test]
    fn passwords_are_never_drawn() {
        let mut s = step("POST", "/login");
        s.form =
            vec![("username".into(), "user1".into()), ("password".into(), "mypassword".into())];
        let svg = render("t", &[s]);
        assert!(!svg.contains("mypassword"));
        assert!(svg.contains("form: username=user1&amp;password=***"), "{svg}");
    }

    #[test]
    fn the_same_flow_draws_the_same_bytes_whatever_the_run_made_up() {
        let run = |id: &str, port: u16, date: &str| {
            let mut first = step("GET", "/login");
            first.set_cookies = vec![format!("session={id}; HttpOnly; Path=/; Expires={date}")];
            let mut second = step("POST", &format!("/tokens/{id}/revoke"));
            second.cookie = Some(format!("session={id}"));
            second.headers = vec![("Origin".into(), format!("http://127.0.0.1:{port}"))];
            second.status = 303;
            second.location = Some("/tokens".into());
            render("01-x · flow", &[first, second])
        };
        let a = run("AAAAbbbbCCCCdddd1234", 40001, "Sat, 22 Nov 2025 05:12:20 GMT");
        let b = run("zzzzYYYYxxxxWWWW9876", 51234, "Sun, 23 Nov 2025 06:00:00 GMT");
        assert_eq!(a, b);
        assert!(text_of(&a).iter().any(|l| l == "303 See Other → /tokens"), "{:?}", text_of(&a));
    }

    #[test]
    fn a_long_header_is_broken_after_a_semicolon() {
        let long = format!("Set-Cookie: a=b; {}", ["Path=/", "HttpOnly"].repeat(10).join("; "));
        let lines = wrapped("setcookie", 60, &long);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|(_, l)| l.chars().count() <= 60), "{lines:?}");
        assert!(lines[1].1.starts_with("    "));
    }

    #[test]
    fn a_jump_of_the_clock_is_drawn_between_the_steps() {
        let mut later = step("GET", "/");
        later.clock = 301;
        let mut much_later = step("GET", "/");
        much_later.clock = 301 + 900;
        let text = text_of(&render("t", &[step("GET", "/"), later, much_later]));
        assert!(
            text.contains(&"+301 s".to_string()) && text.contains(&"+15 min".to_string()),
            "{text:?}"
        );
        assert_eq!(
            (elapsed(7200), elapsed(86_400), elapsed(-60)),
            ("+2 h".into(), "+1 d".into(), "−1 min".into())
        );
    }

    #[test]
    fn a_second_browser_gets_its_own_lifeline() {
        let mut other = step("GET", "/");
        other.browser = 2;
        let svg = render("t", &[step("GET", "/"), other]);
        let heads = text_of(&svg);
        assert!(
            heads.contains(&"browser 1".to_string()) && heads.contains(&"browser 2".to_string())
        );
    }
}
