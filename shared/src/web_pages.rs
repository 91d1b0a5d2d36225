//! Pages: tera templates inside the base layout, with the cookie inspector on every page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use tera::{Context, Tera};

use crate::{Lesson, Site, inspector};

const BASE: &str = include_str!("../templates/base.html");
const ERROR: &str = include_str!("../templates/error.html");

/// A message shown once in the base layout's flash area (Flask's `flash(message, category)`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flash {
    /// `info`, `success` or `error`: a CSS class in the base layout.
    pub category: &'static str,
    pub message: String,
}

pub(crate) fn load_templates(lesson: &Lesson) -> Result<Tera, String> {
    let mut tera = Tera::new();
    // Autoescape stays on (the default for `.html`): `{{ name }}` can never inject HTML.
    let shared = [("base.html", BASE), ("error.html", ERROR)];
    tera.add_raw_templates(shared.iter().chain(lesson.templates.iter()).copied())
        .map_err(|error| format!("a template of {} does not compile: {error}", lesson.package()))?;
    Ok(tera)
}

#[derive(Serialize)]
struct LessonView {
    number: String,
    title: &'static str,
    package: String,
}

#[derive(Serialize)]
struct NavItem {
    path: &'static str,
    label: &'static str,
    current: bool,
}

/// Renders `template` with `context` and a 200 status.
pub fn render(req: &HttpRequest, template: &str, context: Context) -> HttpResponse {
    render_status(req, StatusCode::OK, template, context)
}

/// Renders `template` with `context`. The base layout gets, on top of `context`: `lesson`,
/// `nav`, `inspector` (what the cookie inspector shows) and `flashes` (empty unless given).
pub fn render_status(
    req: &HttpRequest,
    status: StatusCode,
    template: &str,
    mut context: Context,
) -> HttpResponse {
    let Some(site) = req.app_data::<Site>() else {
        return HttpResponse::InternalServerError().body("shared::Site is missing from the app");
    };
    let lesson = site.lesson();
    context.insert(
        "lesson",
        &LessonView {
            number: format!("{:02}", lesson.number),
            title: lesson.title,
            package: lesson.package(),
        },
    );
    let nav: Vec<NavItem> = lesson
        .nav
        .iter()
        .map(|&(path, label)| NavItem { path, label, current: req.path() == path })
        .collect();
    context.insert("nav", &nav);
    context.insert("inspector", &inspector::inspect(req, lesson.cookies, site.config().key()));
    if !context.contains_key("flashes") {
        context.insert("flashes", &Vec::<Flash>::new());
    }
    match site.tera().render(template, &context) {
        Ok(html) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html),
        Err(error) => {
            // A bug in the lesson, not in the request: say so plainly, in the log and the page.
            eprintln!("error: rendering {template}: {error}");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body(format!("template error in {template}: {error}"))
        }
    }
}

/// A redirect to `location` with `303 See Other`: the browser follows it with a GET, so
/// reloading the page it lands on never re-sends a form (Flask's `redirect(url_for(...))`).
pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, location)).finish()
}

/// A clear error page with `status` and a sentence that says what was wrong.
pub fn error_page(req: &HttpRequest, status: StatusCode, message: &str) -> HttpResponse {
    let mut context = Context::new();
    context.insert("status", &status.as_u16());
    context.insert("reason", status.canonical_reason().unwrap_or("Error"));
    context.insert("message", message);
    render_status(req, status, "error.html", context)
}
