# session-lessons: `just` lists the recipes. Every recipe works from any folder of the checkout.
# CI runs `just test` (see .ci/run), so a local run and CI are the same thing.

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes.
default:
    @just --list --unsorted

# The lessons, one a line.
lessons:
    @scripts/lesson list

# Run one lesson's server: `just run 03` or `just run 03-signed-cookies`.
run lesson:
    #!/usr/bin/env bash
    set -euo pipefail
    package=$(scripts/lesson package "{{lesson}}")
    exec cargo run --quiet -p "$package"

# Everything CI checks: formatting, clippy, every test, the book. `just test 03`: one lesson.
test lesson="":
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -n "{{lesson}}" ]; then
      package=$(scripts/lesson package "{{lesson}}")
      cargo fmt -p "$package" --check
      # A student's loop, a few seconds: the property tests try a few hundred random cookies
      # (10 000 in the full `just test`), and the bad-input suite sends each cookie case to one
      # page, the pages taking turns (every page in the full run, which CI runs).
      # QUICK_LOOP: the Redis outage test (lessons 11-16), which waits on purpose, says it skipped.
      QUICK_LOOP=1 PROPTEST_CASES=${PROPTEST_CASES:-500} BAD_INPUT_PAGES=${BAD_INPUT_PAGES-1} \
        cargo test --quiet -p "$package"
      exit 0
    fi
    # The book tools (mdbook, mdbook-i18n-helpers), on first use: the translation check below
    # and the book need them.
    scripts/tools book
    echo "== cargo fmt --check"
    cargo fmt --all --check
    echo "== cargo clippy -D warnings"
    cargo clippy --quiet --workspace --all-targets -- -D warnings
    echo "== cargo test"
    # Every bad-input case on every page here, whatever the shell says (`just test NN` samples).
    unset BAD_INPUT_PAGES QUICK_LOOP
    # i18n's tests include the translation's drift check (i18n/tests/catalogue.rs): every English
    # message of the book translated in docs/po/id.po, none fuzzy, none left over. It reads the
    # catalogue itself: GNU gettext is needed only to update it (`just i18n-update`); without
    # it the workflow tests say they skipped.
    # The exercises' starters fail their tests by design: scripts/check-exercises proves that,
    # and that their solutions pass.
    # The tooling crates have their own recipes: `just e2e` (a browser) and `just load`/`bench`.
    excluded=(--exclude e2e --exclude load)
    for package in $(scripts/exercise packages); do excluded+=(--exclude "$package"); done
    # The black-box suite (blackbox/, `just both`) runs the lesson binaries and the Flask apps:
    # build the one, make the other's virtual environment (pinned packages, once).
    cargo build --quiet $(for l in $(scripts/lesson list); do echo -p "lesson-$l"; done)
    scripts/flask venv
    cargo test --quiet --workspace "${excluded[@]}"
    echo "== the exercises: starters fail, solutions pass"
    scripts/check-exercises
    echo "== the book"
    just docs

# The first run makes target/flask-venv with the pinned packages (flask/requirements.txt).
# The Flask version of a lesson, on the lesson's port plus 100: `just flask 04` (port 8104).
flask lesson:
    @scripts/flask run "{{lesson}}"

# Part of `just test`. `just both 04`: one lesson; `just both logout`: the scenarios whose name
# says so.
# One suite, two servers: each lesson's scenarios against the Rust lesson and its Flask app.
both filter="":
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --quiet $(for l in $(scripts/lesson list); do echo -p "lesson-$l"; done)
    scripts/flask venv
    BLACKBOX_VERBOSE=${BLACKBOX_VERBOSE-1} cargo test --quiet -p blackbox --test scenarios -- {{filter}}

# Each lesson's sequence diagram is drawn from the exchange its `diagram` scenario records
# against the Rust lesson, and added to its page, at the end of "What this step adds", when
# missing; `just test` fails when a picture is stale. BLACKBOX_BINARIES: lesson binaries built
# elsewhere (a worktree can use the main checkout's): then none is built here.
# The book's pictures: sequence diagrams (docs/src/diagrams/), charts (docs/src/charts/); `just diagrams 04`: one lesson's.
diagrams filter="":
    #!/usr/bin/env bash
    set -euo pipefail
    cargo run --quiet -p pictures -- charts
    if [ -z "${BLACKBOX_BINARIES:-}" ]; then
      cargo build --quiet $(for l in $(scripts/lesson list); do echo -p "lesson-$l"; done)
    fi
    BLACKBOX_DIAGRAMS=write cargo test --quiet -p blackbox --test scenarios -- {{filter}}

# The lessons in a real browser: headless Chromium through chromedriver, against the lesson
# binaries on loopback (e2e/tests/browser.rs). Without chromium/chromedriver: skipped, with the
# reason, except under CI (env CI set), where that fails.
e2e:
    #!/usr/bin/env bash
    set -euo pipefail
    missing=()
    command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 || missing+=(chromium)
    command -v "${CHROMEDRIVER:-chromedriver}" >/dev/null 2>&1 || missing+=(chromedriver)
    if [ ${#missing[@]} -gt 0 ]; then
      reason="${missing[*]} not found: install Debian's with \`apt-get install chromium chromium-driver\`"
      if [ -n "${CI:-}" ]; then echo "error: $reason (CI is set: the browser tests must run)" >&2; exit 1; fi
      echo "skipped: $reason"
      exit 0
    fi
    # The lesson binaries the tests start (all of them: a new lesson needs no change here).
    cargo build --quiet $(for l in $(scripts/lesson list); do echo -p "lesson-$l"; done)
    cargo test --quiet -p e2e --lib --test browser

# docs/src/screenshots/: the shots of blackbox/src/shots.rs, taken in headless Chromium (and
# chromedriver) from the lesson binaries, and manifest.txt, the pages' fingerprints `just test` checks.
# Take again the screenshots whose page changed: `just screenshots`; `just screenshots 05`: lesson 05's, `webp`: all.
screenshots filter="":
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --quiet $(for l in $(scripts/lesson list); do echo -p "lesson-$l"; done)
    cargo run --quiet -p e2e --bin screenshots -- {{filter}}

# A bounded load on loopback against lesson NN's release build: `just load 04` (04, 07, 09).
# Every virtual user has its own cookie jar and username; fails on any error or cross-talk.
# Lesson 09 gets a fresh temporary database (DATABASE_URL) and its SQLite session store.
load lesson:
    @scripts/load "{{lesson}}"

# Performance figures (release builds, several minutes), written to docs/src/performance-results.md:
# the signed-in pages of lessons 04, 07 and 09 against a bare handler (09 also against one that
# makes the page's two SQLite reads), memory, 64 sign-ins at once, sign-in, build times.
bench:
    @scripts/bench

# The exercises, one a line.
exercises:
    @FOLDER=exercises scripts/lesson list

# Run one exercise's tests and see how far along you are: `just exercise 01`.
exercise name:
    @scripts/exercise test "{{name}}"

# Where you are: every exercise on one line (not started, N of M task tests pass, done).
progress:
    @cargo run --quiet -p shared --bin exercises -- progress

# The next hint for an exercise (`just hint 01`), or one tier of them (`just hint 01 2`).
hint name tier="":
    @scripts/exercise hint "{{name}}" {{tier}}

# Your src/exercise.rs against the reference solution: `just solution 01`.
solution name:
    @scripts/exercise solution "{{name}}"

# Put an exercise's starter back (asks first): `just reset 01`.
reset name:
    @scripts/exercise reset "{{name}}"

# Re-run tests on every save: `just watch 01` (exercise 01), `just watch lesson 03`; add `--poll` if saving does nothing.
watch +args:
    @scripts/exercise watch {{args}}

# What one step adds: `just diff 03 04` (sources, templates and manifests only).
diff a b:
    #!/usr/bin/env bash
    set -euo pipefail
    a=$(scripts/lesson dir "{{a}}")
    b=$(scripts/lesson dir "{{b}}")
    color=never; [ -t 1 ] && color=always
    git diff --no-index --color="$color" --stat "$a" "$b" || true
    git diff --no-index --color="$color" "$a" "$b" || true

# Print a new random secret key, in the form SECRET_KEY accepts.
secret:
    @cargo run --quiet -p shared --bin secret

# `just docs id` or `just docs en`: one edition; `just docs serve`, `just docs id serve`: read it
# live at http://127.0.0.1:3000. A build fails on any mdBook error or warning.
# Build the book: English in docs/book, Bahasa Indonesia in docs/book/id (`just docs id`: only it).
docs *args:
    #!/usr/bin/env bash
    set -euo pipefail
    scripts/tools book
    languages=(en id)
    action=build
    for arg in {{args}}; do
      case "$arg" in
        en|id) languages=("$arg") ;;
        build|serve) action=$arg ;;
        *) echo "usage: just docs [en|id] [build|serve]" >&2; exit 2 ;;
      esac
    done
    mkdir -p target/book docs/book
    # mdbook for one edition: `edition id build ...`. The Indonesian one takes its title and
    # description from the catalogue, like its pages.
    edition() {
      local language=$1 title description
      shift
      if [ "$language" = en ]; then MDBOOK_BOOK__LANGUAGE=en mdbook "$@"; return; fi
      title=$(cargo run --quiet -p i18n -- book-field title)
      description=$(cargo run --quiet -p i18n -- book-field description)
      MDBOOK_BOOK__LANGUAGE=$language MDBOOK_BOOK__TITLE=$title MDBOOK_BOOK__DESCRIPTION=$description mdbook "$@"
    }
    if [ "$action" = serve ]; then
      # Served from target/: a build of one edition never removes the other from docs/book.
      edition "${languages[0]}" serve docs --open -d "$PWD/target/book/serve-${languages[0]}"
      exit
    fi
    # mdBook empties the folder it builds into: each edition is built beside the book, then put
    # in place (English at the root of docs/book, Indonesian in docs/book/id). The Indonesian one
    # also gets the English heading ids as anchors (links to `page.html#heading` keep the English
    # target), so it needs an English build to compare with.
    build() {
      local stage="$PWD/target/book/$1"
      rm -rf "$stage"
      edition "$1" build docs -d "$stage" 2>&1 | tee "target/mdbook-$1.log"
      if grep -E "ERROR|WARN" "target/mdbook-$1.log"; then echo "the book ($1) has errors" >&2; exit 1; fi
    }
    if [ "${languages[*]}" = id ] && [ ! -f target/book/en/index.html ]; then build en; fi
    for language in "${languages[@]}"; do
      build "$language"
      if [ "$language" = en ]; then
        find docs/book -mindepth 1 -maxdepth 1 ! -name id -exec rm -rf {} +
        cp -R target/book/en/. docs/book/
      else
        cargo run --quiet -p i18n -- anchors target/book/en "target/book/$language"
        rm -rf "docs/book/$language"
        cp -R "target/book/$language" "docs/book/$language"
      fi
    done

# Bring the Indonesian catalogue docs/po/id.po up to date with the English book (README,
# Translations): mdbook-xgettext's messages merged in by gettext's msgmerge (scripts/i18n).
i18n-update:
    @scripts/i18n update

# Translation progress per page: `just i18n-status`, or one page: `just i18n-status instructors`.
i18n-status page="":
    @scripts/i18n status {{page}}

# Everything left to translate, one .po per page in DIR, for translators working in parallel.
i18n-split dir:
    @scripts/i18n split "{{dir}}"
