//! Exercise 04: a shopping cart in the session. This file is yours: the task is in TASK.md, the
//! tests that check it in src/tests/task.rs. Run them with `just exercise 04`.

// While the bodies below are `todo!()`, some imports, parameters and names are not used yet:
// this line keeps the starter free of warnings. The solution does not need it; delete it when
// you are done.
#![allow(dead_code, unused_imports, unused_variables)]

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use shared::{Context, error_page, redirect, render_status};

use crate::{MAX_NAME, MAX_SESSION_JSON, json_len};

/// The cart: how many of each item, by name. A `BTreeMap` keeps the names sorted for the page.
/// In the session it is JSON: `{"apple":2,"bread":1}`.
pub type Cart = BTreeMap<String, u32>;

/// The session key the cart is kept under: `session["cart"]`.
pub const CART: &str = "cart";

/// The forms of the cart page post one field, `item`. `Option`: a missing field is a message
/// for the user, not a failed request.
#[derive(Deserialize)]
pub struct ItemForm {
    item: Option<String>,
}

/// The cart in the session. None yet, or something under "cart" that is not a cart (anyone can
/// store anything there from /session): an empty cart.
pub fn read_cart(session: &Session) -> Cart {
    // TODO: see `username` in main.rs, which reads one value from the session.
    todo!()
}

/// GET /cart.
pub async fn show_cart(req: HttpRequest, session: Session) -> HttpResponse {
    cart_page(&req, &read_cart(&session), StatusCode::OK, None)
}

/// POST /cart/add: one more of `item`, then back to the cart (Flask:
/// `session["cart"][item] = session["cart"].get(item, 0) + 1`).
pub async fn add_to_cart(
    req: HttpRequest,
    session: Session,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    // TODO: the item, trimmed. Empty, missing or longer than MAX_NAME characters: the cart page
    //       again with status 400 and the error "An item is 1 to 64 characters long.", and the
    //       cart unchanged.
    // TODO: one more of it in the cart.
    // TODO: before storing, check that the whole session would still fit in the cookie, as
    //       `insert` in main.rs does. If not, the cart page with status 413 and an error that
    //       starts with "Not added", and nothing stored.
    // TODO: store the cart in the session and redirect to /cart.
    todo!()
}

/// POST /cart/remove: one less of `item`; at zero, its line goes. An item that is not in the
/// cart is no error. Back to the cart.
pub async fn remove_from_cart(
    req: HttpRequest,
    session: Session,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    // TODO
    todo!()
}

/// The cart page for `cart`, with `status`, and `error` above the form if there is one.
fn cart_page(
    req: &HttpRequest,
    cart: &Cart,
    status: StatusCode,
    error: Option<&str>,
) -> HttpResponse {
    #[derive(Serialize)]
    struct Line<'a> {
        item: &'a str,
        quantity: u32,
    }
    let lines: Vec<Line> = cart.iter().map(|(item, &quantity)| Line { item, quantity }).collect();
    let mut context = Context::new();
    context.insert("lines", &lines);
    // Summed as u64: a sum of u32s could overflow where each one does not.
    context.insert("count", &cart.values().map(|&n| u64::from(n)).sum::<u64>());
    if let Some(error) = error {
        context.insert("error", error);
    }
    render_status(req, status, "cart.html", context)
}
