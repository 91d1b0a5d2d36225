use super::*;
use crate::db;

async fn rows(db: &Db) -> Vec<(String, String, i64)> {
    sqlx::query_as("SELECT selector, validator_hash, user_id FROM remember_tokens")
        .fetch_all(db)
        .await
        .unwrap()
}

#[actix_web::test]
async fn the_database_keeps_the_selector_and_a_hash_of_the_validator_never_the_token() {
    let db = db::for_tests().await;
    let token = create(&db, 1, 100, 200).await.unwrap();
    let (selector, validator) = token.split_once(':').unwrap();
    assert_eq!((selector.len(), validator.len()), (24, 64), "{token}");
    assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == ':'), "{token}");
    let rows = rows(&db).await;
    assert_eq!(rows, vec![(selector.to_string(), hash(validator), 1)]);
    assert!(!rows[0].1.contains(validator));
    assert_ne!(create(&db, 1, 100, 200).await.unwrap(), token, "never the same twice");
}

#[actix_web::test]
async fn a_token_is_its_users_until_its_end_and_a_changed_validator_is_nobodys() {
    let db = db::for_tests().await;
    let token = create(&db, 1, 100, 200).await.unwrap();
    assert_eq!(user_of(&db, &token, 199).await.unwrap(), Some(1));
    let (selector, _) = token.split_once(':').unwrap();
    let changed = format!("{selector}:{}", "A".repeat(64));
    for bad in [changed.as_str(), "", ":", "no-colon", &token[..token.len() - 1]] {
        assert_eq!(user_of(&db, bad, 100).await.unwrap(), None, "{bad}");
    }
    // At its end it is refused, and its row deleted on the spot.
    assert_eq!(user_of(&db, &token, 200).await.unwrap(), None);
    assert!(rows(&db).await.is_empty());
}

#[actix_web::test]
async fn ending_the_others_takes_back_every_token_of_the_user_but_the_one_kept() {
    let db = db::for_tests().await;
    let (a, b) = (create(&db, 1, 100, 200).await.unwrap(), create(&db, 1, 100, 200).await.unwrap());
    assert_eq!(end_others(&db, 1, Some(&a)).await.unwrap(), 1);
    assert_eq!(user_of(&db, &a, 100).await.unwrap(), Some(1));
    assert_eq!(user_of(&db, &b, 100).await.unwrap(), None);
    assert_eq!(end_others(&db, 1, None).await.unwrap(), 1);
    assert!(rows(&db).await.is_empty());
}
