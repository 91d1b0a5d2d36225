//! The task of exercise 04, as tests: a shopping cart in the session. Run with: just exercise 04

use shared::testkit::TestClient;

use crate::{LESSON, app};

/// Adds `item` to the cart, as the form on /cart does, and expects the redirect back.
async fn add(browser: &mut TestClient, item: &str) {
    browser.post("/cart/add", &[("item", item)]).await.assert_redirect("/cart");
}

/// The row of the cart table for `item`, `quantity` of them.
fn line(item: &str, quantity: u32) -> String {
    format!("<td class=\"item\">{item}</td>\n    <td class=\"quantity\">{quantity}</td>")
}

#[actix_web::test]
async fn a_new_visitor_has_an_empty_cart() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/cart").await.assert_status(200).assert_contains("Your cart is empty.");
}

#[actix_web::test]
async fn adding_an_item_puts_one_in_the_cart() {
    let mut browser = TestClient::new(&LESSON, app).await;
    add(&mut browser, "apple").await;
    browser
        .get("/cart")
        .await
        .assert_status(200)
        .assert_contains(&line("apple", 1))
        .assert_contains("1 item in your cart.");
}

#[actix_web::test]
async fn adding_the_same_item_again_counts_it_again() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for item in ["apple", "bread", " apple "] {
        add(&mut browser, item).await;
    }
    browser
        .get("/cart")
        .await
        .assert_contains(&line("apple", 2))
        .assert_contains(&line("bread", 1))
        .assert_contains("3 items in your cart.");
}

#[actix_web::test]
async fn removing_takes_one_away_and_the_last_one_takes_the_line_away() {
    let mut browser = TestClient::new(&LESSON, app).await;
    add(&mut browser, "apple").await;
    add(&mut browser, "apple").await;
    browser.post("/cart/remove", &[("item", "apple")]).await.assert_redirect("/cart");
    browser.get("/cart").await.assert_contains(&line("apple", 1));

    browser.post("/cart/remove", &[("item", "apple")]).await.assert_redirect("/cart");
    browser.get("/cart").await.assert_not_contains("apple").assert_contains("Your cart is empty.");

    // Not in the cart, or no item at all: nothing to do, and no error either.
    browser.post("/cart/remove", &[("item", "pear")]).await.assert_redirect("/cart");
    browser.post("/cart/remove", &[]).await.assert_redirect("/cart");
}

#[actix_web::test]
async fn the_cart_lives_in_the_encrypted_session_next_to_the_login() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", "alice")]).await.assert_redirect("/");
    add(&mut browser, "apple").await;
    let cookie = browser.cookie("session").unwrap();
    assert!(!cookie.contains("apple"), "the cookie is encrypted: {cookie}");
    browser
        .get("/session")
        .await
        .assert_contains("<code>cart</code>")
        .assert_contains("<code>{&quot;apple&quot;:1}</code>")
        .assert_contains("<code>username</code>");

    // Logout takes `username` out of the session, and leaves the cart.
    browser.get("/logout").await;
    browser.get("/cart").await.assert_contains(&line("apple", 1));
    // Another browser has a session, and a cart, of its own.
    let mut other = TestClient::for_site(browser.site().clone(), app).await;
    other.get("/cart").await.assert_contains("Your cart is empty.");
}

#[actix_web::test]
async fn an_empty_missing_or_too_long_item_is_refused_with_400_and_the_cart_is_kept() {
    let mut browser = TestClient::new(&LESSON, app).await;
    add(&mut browser, "apple").await;
    let long = "x".repeat(65);
    for fields in [&[("item", "")][..], &[("item", "   ")], &[], &[("item", long.as_str())]] {
        let res = browser.post("/cart/add", fields).await;
        res.assert_status(400)
            .assert_contains("An item is 1 to 64 characters long.")
            .assert_contains(&line("apple", 1));
    }
    browser.get("/cart").await.assert_contains("1 item in your cart.");
}

#[actix_web::test]
async fn a_cart_too_big_for_the_cookie_is_refused_with_413_and_nothing_is_lost() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let item = |n: usize| format!("{n:02}-{}", "x".repeat(57));
    let mut added = 0;
    let refused = loop {
        assert!(added < 100, "100 items of 60 characters were all stored: where is the limit?");
        let before = browser.cookie("session").map(str::to_string);
        let res = browser.post("/cart/add", &[("item", item(added).as_str())]).await;
        if res.status() == 413 {
            assert_eq!(browser.cookie("session").map(str::to_string), before, "nothing stored");
            break res;
        }
        res.assert_redirect("/cart");
        added += 1;
    };
    assert!(added >= 20, "only {added} items fit: the limit is the session's 2048 bytes of JSON");
    refused.assert_contains("Not added");
    let cart = browser.get("/cart").await;
    cart.assert_contains(&format!("{added} items in your cart."));
    for n in 0..added {
        cart.assert_contains(&line(&item(n), 1));
    }
}

#[actix_web::test]
async fn item_names_come_back_escaped() {
    let mut browser = TestClient::new(&LESSON, app).await;
    add(&mut browser, "<script>alert(1)</script>").await;
    let res = browser.get("/cart").await;
    res.assert_contains(&line("&lt;script&gt;alert(1)&lt;/script&gt;", 1));
    assert!(!res.body().contains("<script>"), "{}", res.body());
}

#[actix_web::test]
async fn something_else_stored_under_cart_counts_as_an_empty_cart() {
    let mut browser = TestClient::new(&LESSON, app).await;
    // /session stores any text under any key: here a string where the cart belongs.
    browser.post("/session/insert", &[("key", "cart"), ("value", "hello")]).await;
    browser.get("/cart").await.assert_status(200).assert_contains("Your cart is empty.");
    add(&mut browser, "apple").await;
    browser.get("/cart").await.assert_contains(&line("apple", 1));
}
