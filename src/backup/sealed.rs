//! Files sealed with a passphrase: age's scrypt recipient (<https://age-encryption.org/v1>),
//! the format `age -p` reads and writes. A territory's export carries signatories' contact
//! details, which leave an instance only this way.

use std::io::{Read, Write};

use age::secrecy::SecretString;

use crate::error::{AppError, AppResult};

/// `plain` encrypted with `passphrase`.
pub fn seal(plain: &[u8], passphrase: &str) -> AppResult<Vec<u8>> {
    if passphrase.is_empty() {
        return Err(AppError::BadRequest("an empty passphrase protects nothing".into()));
    }
    let encryptor = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_string()));
    let mut out = Vec::new();
    let err = |e: std::io::Error| AppError::Internal(format!("encryption: {e}"));
    let mut w = encryptor.wrap_output(&mut out).map_err(err)?;
    w.write_all(plain).map_err(err)?;
    w.finish().map_err(err)?;
    Ok(out)
}

/// The content of a sealed file; a wrong passphrase or a damaged file is a clear error.
pub fn open(sealed: &[u8], passphrase: &str) -> AppResult<Vec<u8>> {
    let decryptor = age::Decryptor::new(sealed)
        .map_err(|e| AppError::BadRequest(format!("not an encrypted Maillage export: {e}")))?;
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
            AppError::BadRequest("wrong passphrase (or the file was not sealed with one)".into())
        }
        e => AppError::BadRequest(format!("cannot decrypt the export: {e}")),
    })?;
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).map_err(|e| AppError::BadRequest(format!("damaged export: {e}")))?;
    Ok(plain)
}
