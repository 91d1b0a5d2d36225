//! Exercise 04: a shopping cart in the session. The reference solution: `just solution 04` shows
//! how it differs from your src/exercise.rs.

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
    // `Err`: the stored JSON is not a cart. `Ok(None)`: nothing stored. Both mean empty.
    session.get::<Cart>(CART).ok().flatten().unwrap_or_default()
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
    let stored = read_cart(&session);
    let item = form.into_inner().item.unwrap_or_default();
    let item = item.trim();
    if item.is_empty() || item.chars().count() > MAX_NAME {
        let error = format!("An item is 1 to {MAX_NAME} characters long.");
        return cart_page(&req, &stored, StatusCode::BAD_REQUEST, Some(&error));
    }
    let mut cart = stored.clone();
    let quantity = cart.entry(item.to_string()).or_insert(0);
    *quantity = quantity.saturating_add(1);

    // Would the session still fit in a cookie? The same check as lesson 04's `insert`: the
    // session as it would be, measured before anything is stored.
    let mut after = session.entries().clone();
    after.insert(CART.to_string(), serde_json::to_string(&cart).unwrap_or_default());
    if json_len(&after) > MAX_SESSION_JSON {
        let error = format!(
            "Not added: the session would hold {} bytes of JSON, over the {MAX_SESSION_JSON} that \
             fit in a cookie once encrypted. Remove something first.",
            json_len(&after)
        );
        // The cart as stored, without the item that did not fit.
        return cart_page(&req, &stored, StatusCode::PAYLOAD_TOO_LARGE, Some(&error));
    }
    // `insert`, never `update`: see `login` in main.rs.
    if let Err(error) = session.insert(CART, &cart) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/cart")
}

/// POST /cart/remove: one less of `item`; at zero, its line goes. An item that is not in the
/// cart is no error. Back to the cart.
pub async fn remove_from_cart(
    req: HttpRequest,
    session: Session,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let item = form.into_inner().item.unwrap_or_default();
    let mut cart = read_cart(&session);
    let Some(quantity) = cart.get_mut(item.trim()) else {
        return redirect("/cart");
    };
    *quantity = quantity.saturating_sub(1);
    if *quantity == 0 {
        cart.remove(item.trim());
    }
    // A smaller cart always fits where the bigger one did: no size check here.
    if let Err(error) = session.insert(CART, &cart) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/cart")
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
