//! A password policy's one list: the most common passwords, which a registration refuses.
//!
//! NIST SP 800-63B (section 5.1.1.2) asks a site to check a new password against passwords known
//! to be common or breached, besides a minimum length (8). It also asks for *no* composition
//! rules ("a digit, a capital letter"): they push people to `Password1`, guessed as fast as
//! `password`.
//! And it asks to allow long passphrases (the lessons take up to 1024 characters).
//!
//! `common-passwords.txt` holds about 1 000 of the most used passwords of 8 characters or more,
//! as they appear at the top of the public lists people use (SecLists' most common passwords,
//! the RockYou leak): one a line, lowercase. A real site checks a far bigger list, or the
//! Have I Been Pwned range API; the idea is the same.

/// The list, put in the binary by `include_str!`: no file to find at run time, and a changed list
/// rebuilds the crate.
const COMMON: &str = include_str!("common-passwords.txt");

/// Whether `password` is one of the most common passwords, in any case (`Password1` is
/// `password1` with a capital, and guessed just as fast). Looks at each line in turn: a thousand
/// short comparisons cost microseconds, next to the Argon2 hash that follows, tens of
/// milliseconds.
pub fn is_common_password(password: &str) -> bool {
    let password = password.to_lowercase();
    COMMON.lines().any(|common| common == password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_known_passwords_are_common_in_any_case() {
        for password in ["password", "12345678", "Password1", "PASSWORD", "iloveyou", "Qwerty123"] {
            assert!(is_common_password(password), "{password}");
        }
    }

    #[test]
    fn a_passphrase_or_a_near_miss_is_not_common() {
        for password in ["good boy!", "correct horse battery", "password 1", " password", "passwor"]
        {
            assert!(!is_common_password(password), "{password}");
        }
    }

    #[test]
    fn the_list_is_about_a_thousand_lowercase_passwords_of_8_characters_or_more_each_once() {
        let lines: Vec<&str> = COMMON.lines().collect();
        assert!((900..=1100).contains(&lines.len()), "{} lines", lines.len());
        let mut seen = std::collections::HashSet::new();
        for line in &lines {
            assert!(line.chars().count() >= 8, "shorter than the minimum, never reached: {line:?}");
            assert_eq!(*line, line.to_lowercase(), "lowercase, or it could never match");
            assert_eq!(*line, line.trim(), "no spaces around: {line:?}");
            assert!(seen.insert(line), "twice: {line}");
        }
    }
}
