//! Accounts, sessions, password resets and API tokens: each change with its audit entry, in one
//! [`Change`]. Passwords are hashed before the change opens (tens of milliseconds of CPU that
//! must not hold the write lock).

use crate::{
    domain::{account::Role, ids::AccountId},
    error::AppResult,
    processing::unit::Change,
    state::AppState,
    storage::accounts::{self, AccountRow},
};

/// A new account, audited as `account.create` by `by`.
pub async fn create_account(
    state: &AppState,
    email: &str,
    password_hash: &str,
    role: Role,
    by: &str,
) -> AppResult<AccountRow> {
    let mut change = Change::begin(state).await?;
    let a = accounts::create_account(change.conn(), email, password_hash, role).await?;
    change.audit(by, "account.create", &format!("{} as {}", a.email, role.as_str())).await?;
    change.commit().await?;
    Ok(a)
}

/// A session for `account` (who just proved its password), audited as `login`.
pub async fn open_session(
    state: &AppState,
    account: &AccountRow,
    token_hash: &str,
    csrf: &str,
    ttl_ms: i64,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    accounts::create_session(change.conn(), token_hash, account.id, csrf, ttl_ms).await?;
    change.audit(&account.email, "login", "").await?;
    change.commit().await
}

/// A password reset asked for `account`: the ask counted against `throttle_keys`, the token
/// stored, the audit entry `password.reset_requested`. The mail is sent by the caller, after.
pub async fn request_password_reset(
    state: &AppState,
    account: &AccountRow,
    throttle_keys: &[String],
    token_hash: &str,
    ttl_ms: i64,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    accounts::record_login_failure(change.conn(), throttle_keys).await?;
    accounts::create_password_reset(change.conn(), token_hash, account.id, ttl_ms).await?;
    change.audit(&account.email, "password.reset_requested", "").await?;
    change.commit().await
}

/// Uses a reset token and sets the new password (ending every session), audited as
/// `password.reset`; the account id, or None when the token was not valid.
pub async fn reset_password(state: &AppState, token_hash: &str, password_hash: &str) -> AppResult<Option<AccountId>> {
    let mut change = Change::begin(state).await?;
    let Some(account_id) = accounts::consume_password_reset(change.conn(), token_hash).await? else {
        return Ok(None);
    };
    accounts::set_password(change.conn(), account_id, password_hash).await?;
    change.audit(&format!("account #{account_id}"), "password.reset", "").await?;
    change.commit().await?;
    Ok(Some(account_id))
}

/// A new API token (its hash), audited as `token.create`; its id.
pub async fn create_token(state: &AppState, token_hash: &str, role: Role, label: &str, by: &str) -> AppResult<i64> {
    let mut change = Change::begin(state).await?;
    let id = accounts::create_api_token(change.conn(), token_hash, role, label).await?;
    change.audit(by, "token.create", &format!("#{id} {label} ({})", role.as_str())).await?;
    change.commit().await?;
    Ok(id)
}

/// Revokes an active token, audited as `token.revoke`; false when there was none.
pub async fn revoke_token(state: &AppState, id: i64, by: &str) -> AppResult<bool> {
    let mut change = Change::begin(state).await?;
    let done = accounts::revoke_api_token(change.conn(), id).await?;
    if done {
        change.audit(by, "token.revoke", &format!("#{id}")).await?;
    }
    change.commit().await?;
    Ok(done)
}

/// Disables (ending its sessions) or enables `target`, audited as `account.disable` or
/// `account.enable` by `by`.
pub async fn set_disabled(state: &AppState, target: &AccountRow, disabled: bool, by: &str) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    accounts::set_account_disabled(change.conn(), target.id, disabled).await?;
    let what = if disabled { "account.disable" } else { "account.enable" };
    change.audit(by, what, &target.email).await?;
    change.commit().await
}
