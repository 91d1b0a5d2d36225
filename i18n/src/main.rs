//! `cargo run -p i18n -- COMMAND`: the book's Indonesian catalogue (docs/po/id.po) against the
//! English book. See README.md, Translations.

use i18n::{Error, LANGUAGE, Result, po};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p i18n -- COMMAND
  update          extract the English book's messages and merge them into docs/po/id.po:
                  new text untranslated, changed text fuzzy, removed text obsolete
  status [PAGE]   per page: translated / fuzzy / untranslated messages
  check           fail on any missing, untranslated, fuzzy or obsolete entry, or broken code
                  (the check i18n/tests/catalogue.rs makes in `just test`)
  export PAGE [-o FILE]
                  one page's messages as a standalone .po for a translator (stdout without -o)
  split DIR       every message still to translate, one .po per page in DIR (a message used on
                  several pages only in the first one's file; code in none)
  todo [-o FILE]  the same messages as split, in one .po, in the book's order
  import FILE...  take the translations of .po files into docs/po/id.po (only English text
                  the catalogue has)
  prune           drop the obsolete entries
  pot [-o FILE]   the English messages (the POT) as `update` extracts them (stdout without -o)
  book-field title|description
                  book.toml's title or description in Indonesian (`just docs id` uses it)
  anchors EN_DIR DIR
                  give the built edition DIR the English heading ids as extra anchors, so links
                  to page.html#english-heading work in it (`just docs` runs it)
  hint FILE       an exercise's hint (exercises/NN-slug/hints/K.md) in Indonesian, through the
                  catalogue (English where a message is not translated yet): `just hint` uses it
PAGE: a page of the book, such as lessons/01-raw-cookies or instructors";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `-o FILE` among the arguments, and the rest.
fn split_output(args: &[String]) -> Result<(Vec<&str>, Option<PathBuf>)> {
    let mut rest = Vec::new();
    let mut output = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "-o" || arg == "--output" {
            let path = args.next().ok_or_else(|| Error(format!("{arg} needs a file name")))?;
            output = Some(PathBuf::from(path));
        } else {
            rest.push(arg.as_str());
        }
    }
    Ok((rest, output))
}

fn emit(catalog: &po::Catalog, output: Option<&Path>) -> Result<()> {
    match output {
        Some(path) => i18n::write_catalog(path, catalog),
        None => {
            print!("{}", po::write(catalog));
            Ok(())
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode> {
    let root = i18n::workspace_root();
    let path = i18n::catalog_path(&root, LANGUAGE);
    let shown = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    let (rest, output) = split_output(&args[1..])?;
    match (command.as_str(), rest.as_slice()) {
        ("update", []) => {
            let pot = i18n::generate_pot(&root)?;
            let old =
                if path.exists() { i18n::read_catalog(&path)? } else { po::Catalog::default() };
            let (merged, summary) = i18n::merge(&old, &pot, LANGUAGE);
            i18n::write_catalog(&path, &merged)?;
            println!(
                "{shown}: {} messages; {} unchanged, {} new (untranslated), {} changed (fuzzy), {} obsolete",
                pot.entries.len(),
                summary.kept,
                summary.new,
                summary.fuzzy,
                summary.obsolete
            );
        }
        ("status", pages) if pages.len() <= 1 => {
            let catalog = i18n::read_catalog(&path)?;
            let mut rows = i18n::status(&catalog);
            if let Some(query) = pages.first() {
                let page = i18n::find_page(&catalog, query)?;
                rows.retain(|row| row.page == page);
            }
            println!("{:>10} {:>6} {:>12}  page", "translated", "fuzzy", "untranslated");
            let mut total = i18n::PageStatus { page: "total".to_string(), ..Default::default() };
            for row in &rows {
                println!(
                    "{:>10} {:>6} {:>12}  {}",
                    row.translated, row.fuzzy, row.untranslated, row.page
                );
                total.translated += row.translated;
                total.fuzzy += row.fuzzy;
                total.untranslated += row.untranslated;
            }
            if pages.is_empty() {
                let messages = catalog.entries.iter().filter(|e| !e.obsolete).collect::<Vec<_>>();
                let done = messages.iter().filter(|e| e.is_translated()).count();
                let obsolete = catalog.entries.len() - messages.len();
                println!(
                    "{shown}: {done} of {} messages translated ({} fuzzy, {} untranslated, {obsolete} obsolete)",
                    messages.len(),
                    messages.iter().filter(|e| e.is_fuzzy()).count(),
                    messages.iter().filter(|e| !e.has_translation()).count(),
                );
            }
        }
        ("check", []) => {
            let pot = i18n::generate_pot(&root)?;
            let catalog = i18n::read_catalog(&path)?;
            let problems = i18n::check(&catalog, &pot);
            for problem in &problems {
                println!("{problem}");
            }
            if !problems.is_empty() {
                println!(
                    "{shown} does not match the English book (problems: {}): `just i18n-update`, then translate",
                    problems.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{shown} matches the English book: {} messages, all translated",
                pot.entries.len()
            );
        }
        ("export", [query]) => {
            let catalog = i18n::read_catalog(&path)?;
            let page = i18n::find_page(&catalog, query)?;
            let part = i18n::export(&catalog, &page);
            emit(&part, output.as_deref())?;
            let todo = part.entries.iter().filter(|e| !e.is_translated()).count();
            eprintln!("{page}: {} messages, {todo} to translate", part.entries.len());
        }
        ("split", [dir]) => {
            let catalog = i18n::read_catalog(&path)?;
            let dir = Path::new(dir);
            let mut total = 0;
            for (page, part) in i18n::split(&catalog) {
                let file = dir.join(i18n::part_file_name(&page));
                i18n::write_catalog(&file, &part)?;
                println!("{:>5}  {}  ({page})", part.entries.len(), file.display());
                total += part.entries.len();
            }
            println!("{total} messages to translate, each in one file");
        }
        ("todo", []) => {
            let catalog = i18n::read_catalog(&path)?;
            let mut todo = po::Catalog { header: catalog.header.clone(), entries: Vec::new() };
            for (_, part) in i18n::split(&catalog) {
                todo.entries.extend(part.entries);
            }
            emit(&todo, output.as_deref())?;
            eprintln!("{} messages to translate", todo.entries.len());
        }
        ("import", files) if !files.is_empty() => {
            let mut catalog = i18n::read_catalog(&path)?;
            let mut unknown = 0;
            for file in files {
                let incoming = i18n::read_catalog(Path::new(file))?;
                let summary = i18n::import(&mut catalog, &incoming);
                println!(
                    "{file}: {} taken, {} already there, {} untranslated, {} not in the catalogue, {} code kept as it is",
                    summary.updated,
                    summary.unchanged,
                    summary.empty,
                    summary.unknown.len(),
                    summary.code_kept.len()
                );
                for msgid in &summary.code_kept {
                    let excerpt: String = msgid.replace('\n', "⏎").chars().take(72).collect();
                    println!(
                        "  code, not taken (the translation of code is the code): \"{excerpt}\""
                    );
                }
                for msgid in &summary.unknown {
                    let excerpt: String = msgid.replace('\n', "⏎").chars().take(72).collect();
                    println!(
                        "  not in the catalogue (English changed since the export?): \"{excerpt}\""
                    );
                }
                unknown += summary.unknown.len();
            }
            i18n::write_catalog(&path, &catalog)?;
            if unknown > 0 {
                println!(
                    "{unknown} translations not taken: run `just i18n-update` and export the page again"
                );
            }
        }
        ("prune", []) => {
            let mut catalog = i18n::read_catalog(&path)?;
            let dropped = i18n::prune(&mut catalog);
            i18n::write_catalog(&path, &catalog)?;
            println!("{shown}: {dropped} obsolete entries dropped");
        }
        ("hint", [file]) => {
            let hint = Path::new(file);
            let hint = hint.strip_prefix(&root).unwrap_or(hint);
            print!("{}", i18n::translated_hint(&root, hint, LANGUAGE)?);
        }
        ("book-field", [name]) if i18n::BOOK_FIELDS.contains(name) => {
            println!("{}", i18n::translated_book_field(&root, name, LANGUAGE)?);
        }
        ("anchors", [english, translated]) => {
            let added = i18n::keep_english_anchors_in(Path::new(english), Path::new(translated))?;
            println!("{translated}: {added} English heading anchors kept");
        }
        ("pot", []) => {
            let pot = i18n::generate_pot(&root)?;
            emit(&pot, output.as_deref())?;
            eprintln!("{} messages", pot.entries.len());
        }
        _ => {
            eprintln!("{USAGE}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}
