//! The screenshots' fingerprints can be trusted: every shot's page, fetched from two fresh
//! servers (new keys, new databases, new ports, other seconds), has the same fingerprint, and
//! a change to the page's text changes it. Needs the lesson binaries (`just test` builds them).

use blackbox::shots::{SHOTS, fetch, fingerprint, in_parallel, normalise};

#[test]
fn every_shots_fingerprint_is_the_same_on_two_fresh_servers_and_changes_with_the_text() {
    let pages = in_parallel(SHOTS, |shot| (fetch(shot), fetch(shot)));
    let mut failures = Vec::new();
    for (shot, pages) in SHOTS.iter().zip(pages) {
        let (one, two) = match pages {
            (Ok(one), Ok(two)) => (one, two),
            (Err(why), _) | (_, Err(why)) => {
                failures.push(why);
                continue;
            }
        };
        if fingerprint(&one) != fingerprint(&two) {
            let (one, two) = (normalise(&one), normalise(&two));
            let differ = one.lines().zip(two.lines()).find(|(a, b)| a != b);
            failures.push(format!(
                "{}: two fresh servers gave different pages after masking; the first difference:\n  {:?}\n  {:?}",
                shot.file(),
                differ.map(|(a, _)| a),
                differ.map(|(_, b)| b),
            ));
        }
        let changed = one.replacen("<h1", "<h1 class=\"changed\"", 1);
        assert_ne!(changed, one, "{}: the page has a heading", shot.file());
        assert_ne!(fingerprint(&changed), fingerprint(&one), "{}", shot.file());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
