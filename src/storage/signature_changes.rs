//! Changes of one signature that a use case writes inside its `processing::unit::Change`:
//! the moderators' decision, the signatory actor's keys, the welcome Note's id, and a change of
//! address waiting for its owner's link.

use sqlx::AnyConnection;

use crate::domain::ids::SignatoryId;

use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
};

/// Approves or rejects a signature that waits for it; false when it no longer waits.
pub async fn decide(conn: &mut AnyConnection, id: SignatoryId, approve: bool, reason: Option<&str>) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE signatories SET status = $1, reject_reason = $2, decided_at = $3 WHERE id = $4 AND status = 'confirmed'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(reason)
    .bind(now_millis())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The keys of a listed signatory's actor.
pub async fn set_keys(conn: &mut AnyConnection, id: SignatoryId, public_pem: &str, private_pem: &str) -> AppResult<()> {
    sqlx::query("UPDATE signatories SET public_key_pem = $1, private_key_pem = $2 WHERE id = $3")
        .bind(public_pem)
        .bind(private_pem)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The id of the territory's welcome Note (recorded with the Note's `Create`, so that it can
/// always be retracted).
pub async fn set_welcome_note(conn: &mut AnyConnection, id: SignatoryId, note: &str) -> AppResult<()> {
    sqlx::query("UPDATE signatories SET welcome_note_ap_id = $1 WHERE id = $2")
        .bind(note)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A pending change of address: the new one waits in a private link of kind `email` until its
/// owner opens the link mailed to it. Inside the caller's transaction.
pub async fn add_email_link(conn: &mut AnyConnection, id: SignatoryId, token_hash: &str, email: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO signatory_links (token_hash, signatory_id, kind, created_at, email) VALUES ($1, $2, 'email', $3, $4)",
    )
    .bind(token_hash)
    .bind(id)
    .bind(now_millis())
    .bind(email)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes (deletes and returns) a pending change of address younger than `max_age_ms`:
/// (signature id, new address). Inside the caller's transaction.
pub async fn take_email_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    max_age_ms: i64,
) -> AppResult<Option<(SignatoryId, String)>> {
    let row: Option<(SignatoryId, Option<String>)> = sqlx::query_as(
        "DELETE FROM signatory_links WHERE token_hash = $1 AND kind = 'email' AND created_at > $2 \
         RETURNING signatory_id, email",
    )
    .bind(token_hash)
    .bind(now_millis() - max_age_ms)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|(id, email)| Some((id, email?))))
}

/// Sets a live signature's address; `Conflict` when another live signature of the territory
/// has it. Inside the caller's transaction.
pub async fn set_signature_email(conn: &mut AnyConnection, id: SignatoryId, email: &str) -> AppResult<bool> {
    match sqlx::query("UPDATE signatories SET email = $1 WHERE id = $2 AND status <> 'withdrawn'")
        .bind(email)
        .bind(id)
        .execute(&mut *conn)
        .await
    {
        Ok(r) => Ok(r.rows_affected() == 1),
        Err(e) if super::is_unique_violation(&e) => Err(AppError::Conflict("email-taken".into())),
        Err(e) => Err(e.into()),
    }
}
