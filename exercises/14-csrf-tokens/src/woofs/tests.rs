use super::*;

#[test]
fn a_woof_is_1_to_280_characters_once_trimmed() {
    assert_eq!(validate("  Woof!  "), Ok("Woof!"));
    assert_eq!(validate(&"🐕".repeat(280)).map(|b| b.chars().count()), Ok(280));
    assert!(validate("").is_err());
    assert!(validate(" \n\t ").is_err());
    assert!(validate(&"w".repeat(281)).is_err());
}
