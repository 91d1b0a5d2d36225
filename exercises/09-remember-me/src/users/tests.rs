use super::*;

#[test]
fn every_stored_hash_is_argon2id_with_owasp_minimum_parameters_and_so_is_the_dummy() {
    let hashes = USERS.iter().map(|user| user.password_hash).chain([DUMMY_HASH]);
    for text in hashes {
        let hash = PasswordHash::new(text).unwrap();
        assert_eq!(hash.algorithm.as_str(), "argon2id", "{text}");
        let params = argon2::Params::try_from(&hash).unwrap();
        assert_eq!((params.m_cost(), params.t_cost(), params.p_cost()), (19456, 2, 1), "{text}");
    }
}

#[test]
fn the_right_password_finds_the_user_and_anything_else_finds_nobody() {
    assert_eq!(check_password("aaa", "open-sesame").map(|user| user.name), Some("aaa"));
    assert_eq!(check_password("bbb", "0000").map(|user| user.name), Some("bbb"));
    assert_eq!(check_password("user1", "mypassword").map(|user| user.name), Some("user1"));
    assert!(check_password("aaa", "0000").is_none());
    assert!(check_password("aaa", "").is_none());
    assert!(check_password("nobody", "open-sesame").is_none());
}
