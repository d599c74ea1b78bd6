//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows). The database stores only the account name a key is filed under.

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The service name Draftloop files its secrets under.
pub const SERVICE: &str = "draftloop";

pub trait Keychain: Send + Sync {
    fn set(&self, account: &str, secret: &Secret) -> Result<()>;
    fn get(&self, account: &str) -> Result<Option<Secret>>;
    fn delete(&self, account: &str) -> Result<()>;
}

/// The real OS keychain, through the `keyring` crate.
pub struct OsKeychain;

fn entry(account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, account).map_err(keychain_error)
}

fn keychain_error(e: keyring::Error) -> Error {
    // keyring's messages never contain the secret itself.
    Error::Keychain(format!(
        "the OS keychain is not available ({e}); on Linux, Draftloop needs a Secret Service such as GNOME Keyring"
    ))
}

impl Keychain for OsKeychain {
    fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        entry(account)?
            .set_password(secret.expose())
            .map_err(keychain_error)
    }

    fn get(&self, account: &str) -> Result<Option<Secret>> {
        match entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<()> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }
}
