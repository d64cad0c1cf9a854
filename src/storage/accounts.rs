//! Admin and moderator accounts, their sessions, login throttling, password resets and API
//! tokens. Tokens are stored as hashes (`security::hash_token`), never in clear.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::{
    domain::{account::Role, ids::AccountId, now_millis},
    error::{AppError, AppResult},
};

#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: AccountId,
    pub email: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "i64")]
    pub disabled: super::Flag,
    pub created_at: i64,
}

impl AccountRow {
    pub fn role(&self) -> Role {
        self.role
    }
}

/// A valid session with its account.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub account: AccountRow,
    pub csrf_token: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const ACCOUNT: &str = "id, email, password_hash, role, disabled, created_at";

impl Store {
    pub async fn create_account(&self, email: &str, password_hash: &str, role: Role) -> AppResult<AccountRow> {
        create_account(&mut *self.pool().acquire().await?, email, password_hash, role).await
    }

    /// Disables (ending its sessions) or enables an account, in one transaction.
    pub async fn set_account_disabled(&self, id: AccountId, disabled: bool) -> AppResult<()> {
        let mut tx = self.begin().await?;
        set_account_disabled(&mut tx, id, disabled).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_password(&self, account_id: AccountId, password_hash: &str) -> AppResult<()> {
        let mut tx = self.begin().await?;
        set_password(&mut tx, account_id, password_hash).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: AccountId,
        csrf: &str,
        ttl_ms: i64,
    ) -> AppResult<()> {
        create_session(&mut *self.pool().acquire().await?, token_hash, account_id, csrf, ttl_ms).await
    }

    pub async fn record_login_failure(&self, keys: &[String]) -> AppResult<()> {
        record_login_failure(&mut *self.pool().acquire().await?, keys).await
    }

    pub async fn create_password_reset(&self, token_hash: &str, account_id: AccountId, ttl_ms: i64) -> AppResult<()> {
        create_password_reset(&mut *self.pool().acquire().await?, token_hash, account_id, ttl_ms).await
    }

    /// Uses a reset token once: the account id when it was valid, unused and not expired.
    pub async fn consume_password_reset(&self, token_hash: &str) -> AppResult<Option<AccountId>> {
        consume_password_reset(&mut *self.pool().acquire().await?, token_hash).await
    }

    /// Whether a reset token is valid, unused and not expired (without using it).
    pub async fn password_reset_valid(&self, token_hash: &str) -> AppResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_resets WHERE token_hash = $1 AND used = 0 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_millis())
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    pub async fn create_api_token(&self, token_hash: &str, role: Role, label: &str) -> AppResult<i64> {
        create_api_token(&mut *self.pool().acquire().await?, token_hash, role, label).await
    }

    pub async fn revoke_api_token(&self, id: i64) -> AppResult<bool> {
        revoke_api_token(&mut *self.pool().acquire().await?, id).await
    }

    pub async fn account_by_email(&self, email: &str) -> AppResult<Option<AccountRow>> {
        Ok(sqlx::query_as(&format!("SELECT {ACCOUNT} FROM accounts WHERE email = $1"))
            .bind(email)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn accounts(&self) -> AppResult<Vec<AccountRow>> {
        Ok(sqlx::query_as(&format!("SELECT {ACCOUNT} FROM accounts ORDER BY id")).fetch_all(self.pool()).await?)
    }

    /// The session for a cookie's token hash, if valid and its account enabled.
    pub async fn session(&self, token_hash: &str) -> AppResult<Option<SessionRow>> {
        let row: Option<(String, AccountId)> =
            sqlx::query_as("SELECT csrf_token, account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash)
                .bind(now_millis())
                .fetch_optional(self.pool())
                .await?;
        let Some((csrf_token, account_id)) = row else { return Ok(None) };
        let account: Option<AccountRow> =
            sqlx::query_as(&format!("SELECT {ACCOUNT} FROM accounts WHERE id = $1 AND disabled = 0"))
                .bind(account_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(account.map(|account| SessionRow { account, csrf_token }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> AppResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    /// Failures recorded for any of `keys` since `since`.
    pub async fn login_failures_since(&self, keys: &[String], since: i64) -> AppResult<i64> {
        let mut worst = 0;
        for key in keys {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                .bind(key)
                .bind(since)
                .fetch_one(self.pool())
                .await?;
            worst = worst.max(n);
        }
        Ok(worst)
    }

    /// The role and label of a valid (not revoked) token.
    pub async fn api_token(&self, token_hash: &str) -> AppResult<Option<(Role, String)>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT role, label FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.and_then(|(r, l)| Role::parse(&r).map(|r| (r, l))))
    }

    pub async fn api_tokens(&self) -> AppResult<Vec<ApiTokenRow>> {
        Ok(sqlx::query_as("SELECT id, role, label, created_at, revoked_at FROM api_tokens ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }
}

// Writes, inside the caller's transaction (a `processing::unit::Change`).

pub async fn create_account(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &str,
    role: Role,
) -> AppResult<AccountRow> {
    let result = sqlx::query_as(&format!(
        "INSERT INTO accounts (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING {ACCOUNT}"
    ))
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now_millis())
    .fetch_one(&mut *conn)
    .await;
    match result {
        Ok(a) => Ok(a),
        Err(e) if super::is_unique_violation(&e) => Err(AppError::Conflict("an account has this email".into())),
        Err(e) => Err(e.into()),
    }
}

pub async fn set_account_disabled(conn: &mut AnyConnection, id: AccountId, disabled: bool) -> AppResult<()> {
    sqlx::query("UPDATE accounts SET disabled = $1 WHERE id = $2")
        .bind(super::flag(disabled))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn set_password(conn: &mut AnyConnection, account_id: AccountId, password_hash: &str) -> AppResult<()> {
    sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    // A new password ends every session: whoever knew the old one is logged out.
    sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(account_id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn create_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: AccountId,
    csrf: &str,
    ttl_ms: i64,
) -> AppResult<()> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(csrf)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn record_login_failure(conn: &mut AnyConnection, keys: &[String]) -> AppResult<()> {
    for key in keys {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now_millis())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn create_password_reset(
    conn: &mut AnyConnection,
    token_hash: &str,
    account_id: AccountId,
    ttl_ms: i64,
) -> AppResult<()> {
    sqlx::query("INSERT INTO password_resets (token_hash, account_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(account_id)
        .bind(now_millis() + ttl_ms)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Uses a reset token once: the account id when it was valid, unused and not expired.
pub async fn consume_password_reset(conn: &mut AnyConnection, token_hash: &str) -> AppResult<Option<AccountId>> {
    Ok(sqlx::query_scalar(
        "UPDATE password_resets SET used = 1 WHERE token_hash = $1 AND used = 0 AND expires_at > $2 RETURNING account_id",
    )
    .bind(token_hash)
    .bind(now_millis())
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn create_api_token(conn: &mut AnyConnection, token_hash: &str, role: Role, label: &str) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (token_hash, role, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(token_hash)
    .bind(role.as_str())
    .bind(label)
    .bind(now_millis())
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn revoke_api_token(conn: &mut AnyConnection, id: i64) -> AppResult<bool> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_millis())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
