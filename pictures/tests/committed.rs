//! The committed charts are the ones their sources give today: `docs/src/charts/` against the
//! budgets table `just bench` wrote in docs/src/performance-results.md and the Indonesian
//! catalogue docs/po/id.po (which translates the chart's labels as it translates the table).

#[test]
fn the_committed_charts_are_the_ones_the_committed_figures_give() {
    let root = pictures::root();
    let stale = pictures::stale_charts(&root).unwrap_or_else(|why| panic!("{why}"));
    assert!(
        stale.is_empty(),
        "{}\nrun `cargo run -p pictures -- charts` (`just bench` and `just diagrams` do) and commit docs/src/charts/",
        stale.join("\n")
    );
}
