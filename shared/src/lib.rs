//! The helper crate every lesson uses: what a lesson needs and is not the lesson's subject.
//!
//! - [`config`]: `HOST`, `PORT`, `SECRET_KEY` and friends, checked at start-up.
//! - [`Lesson`] and [`start`]: a lesson describes itself; `start` checks the configuration and
//!   loads the templates before `main` starts the server. [`protective_headers`], [`not_found`].
//! - [`render`]: tera templates (autoescape on) inside one base layout with the cookie inspector.
//! - [`inspector`]: the panel that shows the `Cookie` header as the server received it.
//! - [`hashing`]: password hashes run a few at a time ([`Site::hash`]), never hundreds at once.
//! - [`guard`]: bad input (huge cookies, non-form bodies, non-UTF-8 fields) refused with a 4xx page.
//! - [`testkit`]: the lesson's app in-process, a client that keeps cookies like a browser.
//! - [`Clock`]: the time, which tests can move forward by hand.
//! - [`passwords`]: the most common passwords, which a registration refuses (lessons 10 on).
//!
//! A concept moves in here only after the lesson that teaches it.

pub mod clock;
pub mod config;
pub mod guard;
pub mod hashing;
pub mod inspector;
pub mod passwords;
mod server;
pub mod testkit;
mod web_pages;

pub use clock::Clock;
pub use config::Config;
pub use inspector::CookieKind;
pub use server::{Site, exit_with, not_found, protective_headers, start};
/// The template context (tera's): `let mut context = Context::new(); context.insert("name", &value);`
pub use tera::Context;
pub use web_pages::{Flash, PageError, RequestHead, error_page, redirect, render, render_status};

/// What `shared` needs to know about a lesson to draw its pages and check its configuration:
/// its number, title and navigation bar, its templates, its cookies. Each lesson has one, as a
/// `static`; its routes and middleware are the lesson's own `app` function.
pub struct Lesson {
    /// 1 for `lessons/01-raw-cookies`.
    pub number: u8,
    /// `raw-cookies`: the folder is `NN-slug`, the package `lesson-NN-slug`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The lesson's own pages, for the navigation bar: `(path, label)`.
    pub nav: &'static [(&'static str, &'static str)],
    /// The lesson's templates, embedded in the binary: use [`templates!`].
    pub templates: &'static [(&'static str, &'static str)],
    /// The cookies this lesson sets, and how the inspector should read them.
    pub cookies: &'static [(&'static str, CookieKind)],
}

impl Lesson {
    /// Whether the lesson needs `SECRET_KEY`: it has a signed or encrypted cookie.
    pub fn needs_key(&self) -> bool {
        self.cookies.iter().any(|(_, kind)| *kind != CookieKind::Plain)
    }

    /// `lesson-01-raw-cookies`.
    pub fn package(&self) -> String {
        format!("lesson-{:02}-{}", self.number, self.slug)
    }
}

/// Embeds a lesson's templates (from its `templates/` folder) in the binary, so `just run NN`
/// works from any working directory and a template change rebuilds the lesson.
///
/// ```ignore
/// templates: shared::templates!["index.html", "login.html"],
/// ```
#[macro_export]
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)))),*]
    };
}
