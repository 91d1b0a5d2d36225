//! The book's screenshots, from the real lesson binaries. Run with: just screenshots [FILTER]
//!
//! For every shot of `blackbox/src/shots.rs` whose page changed since its picture was taken
//! (or, with FILTER, every shot whose file name contains it: `webp` for all of them):
//! start the lesson on a free port, run the shot's stage with a black-box client, copy the
//! client's cookies into headless Chromium, let Chromium load the last page itself, and write
//! `docs/src/screenshots/NN-slug-NAME.webp`: the whole page, 750 CSS pixels wide (the book's
//! text column, so it shows at its own size), the cookie inspector included. Then the page's
//! fingerprint, fetched by a client from another fresh server as `just test` will fetch it,
//! goes into `manifest.txt` beside the images.

use std::collections::BTreeMap;
use std::fs;
use std::time::Instant;

use blackbox::shots::{self, SHOTS, Shot};
use e2e::{Browser, Driver, Server};

/// The book's text column (mdBook's `--content-max-width`), so a picture shows at 1:1.
const WIDTH: u32 = 750;
/// WebP quality, lossy: text stays readable and a page is a few tens of KB (Chromium's lossless
/// WebP, quality 100, is half as big again; 80 adds a quarter for no difference one can see).
const QUALITY: u32 = 60;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let filter = std::env::args().nth(1).unwrap_or_default();
    if !SHOTS.iter().any(|shot| shot.file().contains(&filter)) {
        eprintln!("no shot matches {filter:?}: the shots are in blackbox/src/shots.rs");
        std::process::exit(2);
    }
    let Some(tools) = e2e::tools() else {
        // `tools()` said what is missing; the tests skip, but a screenshot needs a browser.
        eprintln!("error: no screenshot without chromium and chromedriver");
        std::process::exit(1);
    };
    let started = Instant::now();
    let folder = shots::folder();
    let shown = folder.strip_prefix(blackbox::server::root()).unwrap_or(&folder).display();
    fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{shown}: {e}"));

    // Every shot's page as `just test` fetches it, a few at a time: its fingerprint says
    // whether the picture is still the page's.
    let mut manifest: BTreeMap<String, String> = shots::read_manifest();
    let pages = shots::in_parallel(SHOTS, shots::fetch);
    let mut chosen: Vec<(&Shot, String)> = Vec::new();
    for (shot, page) in SHOTS.iter().zip(pages) {
        let html = page.unwrap_or_else(|why| panic!("{why}"));
        let file = shot.file();
        let print = format!("{:016x}", shots::fingerprint(&html));
        let current = manifest.get(&file) == Some(&print) && folder.join(&file).is_file();
        // Without a filter only what changed is taken again: a picture of the same page would
        // differ anyway (new cookie values, new times), and every new one grows the repository.
        if (filter.is_empty() && !current) || (!filter.is_empty() && file.contains(&filter)) {
            chosen.push((shot, html));
        }
    }

    let driver = Driver::start(&tools);
    let profile = driver.profile();
    let browser = driver.open(&profile).await;
    browser.set_user_agent(shots::USER_AGENT).await;
    let mut total = 0;
    for (shot, html) in &chosen {
        let bytes = take(&browser, shot, html).await;
        let file = shot.file();
        fs::write(folder.join(&file), &bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        manifest.insert(file.clone(), format!("{:016x}", shots::fingerprint(html)));
        total += bytes.len();
        println!("{file:52} {:4} KB", bytes.len().div_ceil(1024));
    }
    browser.quit().await;
    if filter.is_empty() {
        // Pictures no shot makes any more.
        manifest.retain(|file, _| SHOTS.iter().any(|shot| shot.file() == *file));
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".webp") && !SHOTS.iter().any(|shot| shot.file() == name) {
                fs::remove_file(entry.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
                println!("removed {name}: no shot makes it");
            }
        }
    }
    shots::write_manifest(&manifest).unwrap_or_else(|why| panic!("{why}"));
    println!(
        "{} taken ({} KB), {} up to date, in {shown} ({:.1} s); manifest.txt written",
        chosen.len(),
        total.div_ceil(1024),
        SHOTS.len() - chosen.len(),
        started.elapsed().as_secs_f64()
    );
}

/// One shot in the browser: its stage with a client, the client's cookies copied into the
/// browser, the last page loaded by the browser. `html`: the page as a client fetched it, to
/// make sure the browser shows the same state (its first heading).
async fn take(browser: &Browser, shot: &Shot, html: &str) -> Vec<u8> {
    let server = Server::start(&format!("lesson-{}", shot.lesson));
    let (client, path) = shots::stage(shot, &server.url).unwrap_or_else(|why| panic!("{why}"));
    browser.driver().delete_all_cookies().await.expect("the cookies of the shot before deleted");
    // A page of the site (this one does not exist), so that its cookies can be added.
    browser.goto(&server.at("/screenshots-start-here")).await;
    browser.add_cookies(&client.cookies()).await;
    shots::next_second();
    browser.goto(&server.at(&path)).await;
    assert_eq!(browser.path().await, path, "{}: the browser was sent elsewhere", shot.file());
    let expected = first_heading(html);
    assert_eq!(
        browser.text_of("h1").await,
        expected,
        "{}: the browser does not show the page the client saw",
        shot.file()
    );
    browser.screenshot_webp(WIDTH, QUALITY).await
}

/// The text of the first `<h1>` of a page, its markup and entities undone.
fn first_heading(html: &str) -> String {
    let start = html.find("<h1").and_then(|i| html[i..].find('>').map(|j| i + j + 1));
    let Some(start) = start else { return String::new() };
    let end = html[start..].find("</h1>").map_or(html.len(), |i| start + i);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}
