//! `just secret`: prints a new random secret key in the form `SECRET_KEY` accepts.
//!
//! The Rust answer to Flask's `python -c 'import secrets; print(secrets.token_urlsafe(64))'`:
//! 64 bytes from the operating system's random source, as URL-safe base64 (86 characters).
//! Use it as `export SECRET_KEY=...`; keep it out of git.

fn main() {
    println!("{}", shared::config::encode_key(&cookie::Key::generate()));
}
