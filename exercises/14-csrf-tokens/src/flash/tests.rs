use actix_session::{SessionExt as _, SessionStatus};
use actix_web::test::TestRequest;

use super::*;

#[test]
fn a_page_with_no_message_leaves_the_session_unchanged_and_a_message_is_shown_once() {
    let req = TestRequest::default().to_srv_request();
    let session = req.get_session();
    assert!(take(&session).is_empty());
    assert_eq!(session.status(), SessionStatus::Unchanged, "nothing to write back");

    flash(&session, Category::Success, "Logged in.").unwrap();
    let shown = take(&session);
    assert_eq!(shown.len(), 1);
    assert_eq!((shown[0].category, shown[0].message.as_str()), ("success", "Logged in."));
    assert!(take(&session).is_empty(), "shown once");
}
