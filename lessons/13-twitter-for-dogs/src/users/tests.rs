use super::*;

#[test]
fn the_dummy_hash_is_argon2id_with_owasp_minimum_parameters_and_so_are_new_ones() {
    let new = hash_password("correct horse").unwrap();
    for text in [DUMMY_HASH, new.as_str()] {
        let hash = PasswordHash::new(text).unwrap();
        assert_eq!(hash.algorithm.as_str(), "argon2id", "{text}");
        let params = argon2::Params::try_from(&hash).unwrap();
        assert_eq!((params.m_cost(), params.t_cost(), params.p_cost()), (19456, 2, 1), "{text}");
    }
}

#[test]
fn two_hashes_of_one_password_differ_by_their_salt_and_both_verify() {
    let (a, b) = (hash_password("same").unwrap(), hash_password("same").unwrap());
    assert_ne!(a, b);
    for hash in [a, b] {
        let user = User { id: 1, username: "x".into(), email: "x@y.z".into(), password_hash: hash };
        assert!(check_password(Some(user.clone()), "same").is_some());
        assert!(check_password(Some(user), "other").is_none());
    }
    assert!(check_password(None, "anything").is_none());
}

#[test]
fn validation_takes_names_addresses_and_passwords_of_the_right_shape() {
    assert_eq!(validate("rex", "rex@dogs.example", "dog biscuits"), Ok(()));
    assert_eq!(validate("Good_Boy.2-b", "a.b+c@x.y.z", "a long one"), Ok(()));
    for (username, email, password) in [
        ("re", "rex@dogs.example", "dog biscuits"),
        (&"r".repeat(33), "rex@dogs.example", "dog biscuits"),
        ("rex dog", "rex@dogs.example", "dog biscuits"),
        ("<script>", "rex@dogs.example", "dog biscuits"),
        ("rex", "rex", "dog biscuits"),
        ("rex", "rex@localhost", "dog biscuits"),
        ("rex", "@dogs.example", "dog biscuits"),
        ("rex", "rex@@dogs.example", "dog biscuits"),
        ("rex", "rex @dogs.example", "dog biscuits"),
        ("rex", "rex@dogs.example.", "dog biscuits"),
        ("rex", "rex@dogs.example", "1234567"),
        ("rex", "rex@dogs.example", &"x".repeat(1025)),
    ] {
        assert!(validate(username, email, password).is_err(), "{username} {email} {password}");
    }
}

#[test]
fn a_common_password_is_refused_in_any_case_and_a_passphrase_is_not() {
    for password in ["password", "12345678", "Password1", "QWERTY123", "iloveyou"] {
        assert_eq!(validate("rex", "rex@dogs.example", password), Err(COMMON_PASSWORD));
    }
    // No composition rules: lowercase words and spaces are fine, when long and not common.
    assert_eq!(validate("rex", "rex@dogs.example", "likes long walks"), Ok(()));
}
