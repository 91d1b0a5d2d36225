//! `cargo run -p i18n -- COMMAND`: the parts of the translation workflow that gettext does not
//! do. scripts/i18n (`just i18n-update`, `just i18n-status`) runs gettext around them; see
//! README.md, Translations.

use i18n::{LANGUAGE, Result};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p i18n -- COMMAND
  pot FILE        the English messages (the book, the hints, book.toml's title and description),
                  code and comments in code marked, as a POT for msgmerge (`just i18n-update`)
  drop-figures PO drop the obsolete entries without a letter (figures of an older `just bench`
                  run) from PO, in place (`just i18n-update` runs it after msgmerge)
  check           fail, naming the page, on English text without a translation, a fuzzy or
                  obsolete entry, or broken code (the check i18n/tests/catalogue.rs makes in
                  `just test`)
  book-field title|description
                  book.toml's title or description in Indonesian (`just docs id` uses it)
  anchors EN_DIR DIR
                  give the built edition DIR the English heading ids as extra anchors, so links
                  to page.html#english-heading work in it (`just docs` runs it)
  hint FILE       an exercise's hint (exercises/NN-slug/hints/K.md) in Indonesian, through the
                  catalogue (English where a message is not translated yet): `just hint` uses it";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[&str]) -> Result<ExitCode> {
    let root = i18n::workspace_root();
    match args {
        ["pot", file] => {
            let pot = i18n::generate_pot(&root)?;
            i18n::write_pot(Path::new(file), &pot)?;
            eprintln!("{file}: {} English messages", pot.len());
        }
        ["drop-figures", file] => {
            let read = |e: std::io::Error| i18n::Error(format!("cannot read {file}: {e}"));
            let text = std::fs::read_to_string(file).map_err(read)?;
            let kept = i18n::without_obsolete_figures(&text);
            if kept != text {
                let write = |e: std::io::Error| i18n::Error(format!("cannot write {file}: {e}"));
                std::fs::write(file, kept).map_err(write)?;
            }
        }
        ["check"] => {
            let (pot, problems) = i18n::check_catalogue(&root, LANGUAGE)?;
            for problem in &problems {
                println!("{problem}");
            }
            let shown = format!("docs/po/{LANGUAGE}.po");
            if !problems.is_empty() {
                println!(
                    "{shown} does not match the English book (problems: {}): `just i18n-update`, then translate",
                    problems.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            println!("{shown} matches the English book: {} messages, all translated", pot.len());
        }
        ["book-field", name] if i18n::BOOK_FIELDS.contains(name) => {
            println!("{}", i18n::translated_book_field(&root, name, LANGUAGE)?);
        }
        ["anchors", english, translated] => {
            let added = i18n::keep_english_anchors_in(Path::new(english), Path::new(translated))?;
            println!("{translated}: {added} English heading anchors kept");
        }
        ["hint", file] => {
            let hint = Path::new(file);
            let hint = hint.strip_prefix(&root).unwrap_or(hint);
            print!("{}", i18n::translated_hint(&root, hint, LANGUAGE)?);
        }
        _ => {
            eprintln!("{USAGE}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}
