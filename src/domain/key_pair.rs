//! A key pair as stored, plain data: storage keeps it, `federation::keys` generates and uses it.

/// PKCS#8 private key and SubjectPublicKeyInfo public key, both PEM.
#[derive(Clone)]
pub struct KeyPairPem {
    pub public_key_pem: String,
    pub private_key_pem: String,
}

impl std::fmt::Debug for KeyPairPem {
    // Never print a private key, even in debug logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPairPem").field("public_key_pem", &self.public_key_pem).finish_non_exhaustive()
    }
}
