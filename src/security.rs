//! Secrets: random tokens (sessions, CSRF, API, password resets), their stored hashes, and
//! password hashing with Argon2id.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use aws_lc_rs::{digest, rand::SecureRandom};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// 256 random bits, URL-safe base64: unguessable, fits in cookies, URLs and headers.
pub fn new_token() -> AppResult<String> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::SystemRandom::new().fill(&mut bytes).map_err(|_| AppError::internal("no randomness"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token: its SHA-256, so that a leaked database does not leak
/// working sessions or API tokens.
pub fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, token.as_bytes()))
}

/// Comparison whose time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Argon2id with the crate's default (OWASP-recommended) parameters, PHC string format.
pub fn hash_password(password: &str) -> AppResult<String> {
    let mut salt_bytes = [0u8; 16];
    aws_lc_rs::rand::SystemRandom::new().fill(&mut salt_bytes).map_err(|_| AppError::internal("no randomness"))?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))?
        .to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Rules for a new password: long enough to resist guessing, short enough to hash quickly.
pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < 10 {
        return Err("password-too-short");
    }
    if n > 200 {
        return Err("password-too-long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_passwords() {
        let a = new_token().expect("test");
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token().expect("test"));
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
        let h = hash_password("correct horse battery").expect("test");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(
            constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd") && !constant_time_eq(b"a", b"ab")
        );
        assert!(check_new_password("short").is_err() && check_new_password("long enough!").is_ok());
    }
}
