//! Signatories (charter versions: `charters.rs`). Private columns (email, phone, postal_address,
//! representative) are read only by [`Store::signatory_private`] and the admin export.

use sqlx::FromRow;

use super::Store;
use crate::domain::ids::{SignatoryId, TerritoryId};
use crate::{
    domain::{
        list::List,
        now_millis,
        signatory::{Kind, NewSignature, Status},
    },
    error::{AppError, AppResult},
};

pub use super::charters::CharterRow;

/// The public face of a signatory: no contact details, no representative.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct SignatoryPublic {
    #[schema(value_type = i64)]
    pub id: SignatoryId,
    #[serde(skip)]
    #[schema(value_type = i64)]
    pub territory_id: TerritoryId,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub kind: Kind,
    pub name: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub roles: List<String>,
    pub legal_form: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub domains: List<String>,
    pub website: String,
    pub commune: String,
    pub governance: String,
    pub partners: String,
    #[serde(skip)]
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[serde(skip)]
    pub listed: i64,
    pub created_at: i64,
}

/// Everything, for the signer themself and the admin export.
#[derive(Debug, Clone, FromRow)]
pub struct SignatoryPrivate {
    pub id: SignatoryId,
    pub territory_id: TerritoryId,
    pub charter_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub listed: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub roles: List<String>,
    pub legal_form: String,
    #[sqlx(try_from = "String")]
    pub domains: List<String>,
    pub website: String,
    pub commune: String,
    pub governance: String,
    pub partners: String,
    pub representative_name: String,
    pub representative_role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
    pub reject_reason: Option<String>,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub welcome_note_ap_id: Option<String>,
}

const PUBLIC: &str = "id, territory_id, kind, name, roles, legal_form, domains, website, commune, governance, partners, \
                      status, listed, created_at";
const PRIVATE: &str = "id, territory_id, charter_id, kind, status, listed, name, roles, legal_form, domains, website, \
                       commune, governance, partners, representative_name, representative_role, email, phone, \
                       postal_address, reject_reason, created_at, confirmed_at, decided_at, welcome_note_ap_id";

/// Directory filters (all optional).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct DirectoryFilter {
    pub kind: Option<String>,
    pub role: Option<String>,
    pub domain: Option<String>,
    pub commune: Option<String>,
}

impl Store {
    /// A signatory actor's private key (PEM), for signing what it sends.
    pub async fn signatory_private_key(&self, id: SignatoryId) -> AppResult<Option<String>> {
        Ok(sqlx::query_scalar::<_, Option<String>>("SELECT private_key_pem FROM signatories WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .flatten())
    }

    /// Stores an unconfirmed signature. A second live signature with the same email in the
    /// same territory is refused (Conflict).
    pub async fn insert_signature(
        &self,
        territory_id: TerritoryId,
        charter_id: i64,
        s: &NewSignature,
        confirm_token_hash: &str,
        confirm_expires_at: i64,
        manage_token_hash: &str,
    ) -> AppResult<SignatoryId> {
        let r = sqlx::query_scalar(
            "INSERT INTO signatories (territory_id, charter_id, kind, status, listed, name, roles, legal_form, domains, \
             website, commune, governance, partners, representative_name, representative_role, email, phone, \
             postal_address, confirm_token_hash, confirm_expires_at, manage_token_hash, created_at) \
             VALUES ($1, $2, $3, 'unconfirmed', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
             RETURNING id",
        )
        .bind(territory_id)
        .bind(charter_id)
        .bind(s.kind.as_str())
        .bind(super::flag(s.listed))
        .bind(&s.name)
        .bind(s.roles.join(","))
        .bind(s.legal_form.unwrap_or_default())
        .bind(&s.domains)
        .bind(&s.website)
        .bind(&s.commune)
        .bind(&s.governance)
        .bind(&s.partners)
        .bind(&s.representative_name)
        .bind(&s.representative_role)
        .bind(&s.email)
        .bind((!s.phone.is_empty()).then_some(s.phone.as_str()))
        .bind((!s.postal_address.is_empty()).then_some(s.postal_address.as_str()))
        .bind(confirm_token_hash)
        .bind(confirm_expires_at)
        .bind(manage_token_hash)
        .bind(now_millis())
        .fetch_one(self.pool())
        .await;
        match r {
            Ok(id) => Ok(id),
            Err(e) if super::is_unique_violation(&e) => Err(AppError::Conflict("email-taken".into())),
            Err(e) => Err(e.into()),
        }
    }

    /// Confirms by the mailed token, once, before it expires. Returns the signatory id.
    pub async fn confirm_signature(&self, token_hash: &str) -> AppResult<Option<SignatoryId>> {
        let now = now_millis();
        Ok(sqlx::query_scalar(
            "UPDATE signatories SET status = 'confirmed', confirmed_at = $1, confirm_token_hash = NULL \
             WHERE (confirm_token_hash = $2 OR id IN \
             (SELECT signatory_id FROM signatory_links WHERE token_hash = $2 AND kind = 'confirm')) \
             AND status = 'unconfirmed' AND confirm_expires_at > $1 RETURNING id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Unconfirmed signatures past their deadline are deleted (they never were signatures).
    pub async fn expire_unconfirmed(&self) -> AppResult<u64> {
        sqlx::query(
            "DELETE FROM signatory_links WHERE signatory_id IN \
             (SELECT id FROM signatories WHERE status = 'unconfirmed' AND confirm_expires_at <= $1)",
        )
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        let done = sqlx::query("DELETE FROM signatories WHERE status = 'unconfirmed' AND confirm_expires_at <= $1")
            .bind(now_millis())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn signatory_private(&self, id: SignatoryId) -> AppResult<Option<SignatoryPrivate>> {
        Ok(sqlx::query_as(&format!("SELECT {PRIVATE} FROM signatories WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn signatories_by_status(
        &self,
        territory_id: TerritoryId,
        status: Status,
    ) -> AppResult<Vec<SignatoryPublic>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PUBLIC} FROM signatories WHERE territory_id = $1 AND status = $2 ORDER BY id"
        ))
        .bind(territory_id)
        .bind(status.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// The public directory: approved and listed, filtered.
    pub async fn directory(&self, territory_id: TerritoryId, f: &DirectoryFilter) -> AppResult<Vec<SignatoryPublic>> {
        let rows = listed_in(self.pool(), territory_id).await?;
        // Filters on comma lists are simplest and exact in Rust; directories are small.
        let has = |list: &[String], v: &str| list.iter().any(|x| x == v);
        Ok(rows
            .into_iter()
            .filter(|s| f.kind.as_deref().is_none_or(|k| k.is_empty() || s.kind.as_str() == k))
            .filter(|s| f.role.as_deref().is_none_or(|r| r.is_empty() || has(&s.roles, r)))
            .filter(|s| f.domain.as_deref().is_none_or(|d| d.is_empty() || has(&s.domains, d)))
            .filter(|s| f.commune.as_deref().is_none_or(|c| c.is_empty() || s.commune.eq_ignore_ascii_case(c.trim())))
            .collect())
    }

    /// (kind, count) of approved signatories, listed or not (counts reveal no one).
    pub async fn signatory_counts(&self, territory_id: TerritoryId) -> AppResult<Vec<(Kind, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT kind, COUNT(*) FROM signatories WHERE territory_id = $1 AND status = 'approved' GROUP BY kind ORDER BY kind",
        )
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|(k, n)| Ok((super::code(k)?, n))).collect()
    }

    /// The signer's own record, by one of their private management tokens (the one mailed at
    /// signing, or one mailed since), not once withdrawn.
    pub async fn signatory_by_manage_token(&self, token_hash: &str) -> AppResult<Option<SignatoryPrivate>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PRIVATE} FROM signatories WHERE (manage_token_hash = $1 OR id IN \
             (SELECT signatory_id FROM signatory_links WHERE token_hash = $1 AND kind = 'manage')) \
             AND status <> 'withdrawn'"
        ))
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The live signature of `email` in a territory, if any: (id, status).
    pub async fn signature_by_email(
        &self,
        territory_id: TerritoryId,
        email: &str,
    ) -> AppResult<Option<(SignatoryId, Status)>> {
        let row: Option<(SignatoryId, String)> = sqlx::query_as(
            "SELECT id, status FROM signatories WHERE territory_id = $1 AND email = $2 AND status <> 'withdrawn'",
        )
        .bind(territory_id)
        .bind(email)
        .fetch_optional(self.pool())
        .await?;
        row.map(|(id, s)| Ok((id, super::code(s)?))).transpose()
    }

    /// One more private link for a signature: `manage`, or `confirm` (then only while the
    /// signature waits for its confirmation).
    pub async fn add_signature_link(&self, id: SignatoryId, kind: &str, token_hash: &str) -> AppResult<()> {
        sqlx::query("INSERT INTO signatory_links (token_hash, signatory_id, kind, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(id)
            .bind(kind)
            .bind(now_millis())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The signer edits their signature (kind and charter version stay).
    pub async fn update_signature(&self, id: SignatoryId, s: &NewSignature) -> AppResult<()> {
        let mut conn = self.pool().acquire().await?;
        update_signature(&mut conn, id, s).await
    }
}

/// [`Store::update_signature`] inside the caller's transaction.
pub async fn update_signature(conn: &mut sqlx::AnyConnection, id: SignatoryId, s: &NewSignature) -> AppResult<()> {
    let r = sqlx::query(
        "UPDATE signatories SET listed = $1, name = $2, roles = $3, legal_form = $4, domains = $5, website = $6, \
         commune = $7, governance = $8, partners = $9, representative_name = $10, representative_role = $11, \
         email = $12, phone = $13, postal_address = $14 WHERE id = $15 AND status <> 'withdrawn'",
    )
    .bind(super::flag(s.listed))
    .bind(&s.name)
    .bind(s.roles.join(","))
    .bind(s.legal_form.unwrap_or_default())
    .bind(&s.domains)
    .bind(&s.website)
    .bind(&s.commune)
    .bind(&s.governance)
    .bind(&s.partners)
    .bind(&s.representative_name)
    .bind(&s.representative_role)
    .bind(&s.email)
    .bind((!s.phone.is_empty()).then_some(s.phone.as_str()))
    .bind((!s.postal_address.is_empty()).then_some(s.postal_address.as_str()))
    .bind(id)
    .execute(&mut *conn)
    .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) if super::is_unique_violation(&e) => Err(AppError::Conflict("email-taken".into())),
        Err(e) => Err(e.into()),
    }
}

/// The welcome Note was retracted: nothing left to retract at withdrawal.
pub async fn clear_welcome_note(conn: &mut sqlx::AnyConnection, id: SignatoryId) -> AppResult<()> {
    sqlx::query("UPDATE signatories SET welcome_note_ap_id = NULL WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

impl Store {
    /// Every signatory with contact details, for the admin export only.
    pub async fn signatories_private(&self, territory_id: TerritoryId) -> AppResult<Vec<SignatoryPrivate>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PRIVATE} FROM signatories WHERE territory_id = $1 AND status <> 'withdrawn' ORDER BY id"
        ))
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?)
    }
}

/// Withdrawal: every personal field erased, extra private links deleted; kind, commune and
/// dates stay, anonymous, for statistics. Returns the welcome note (`None`: already withdrawn).
/// In the caller's transaction, with the retraction of what was public.
pub async fn withdraw_signature(conn: &mut sqlx::AnyConnection, id: SignatoryId) -> AppResult<Option<Option<String>>> {
    let note: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE signatories SET status = 'withdrawn', withdrawn_at = $1, listed = 0, name = '', roles = '', \
         legal_form = '', domains = '', website = '', governance = '', partners = '', representative_name = '', \
         representative_role = '', email = NULL, phone = NULL, postal_address = NULL, reject_reason = NULL, \
         confirm_token_hash = NULL, manage_token_hash = NULL WHERE id = $2 AND status <> 'withdrawn' \
         RETURNING welcome_note_ap_id",
    )
    .bind(now_millis())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM signatory_links WHERE signatory_id = $1").bind(id).execute(&mut *conn).await?;
    Ok(note)
}

/// What a signatory's actor document needs.
#[derive(Debug, Clone, FromRow)]
pub struct SignatoryActorRow {
    pub id: SignatoryId,
    pub territory_id: TerritoryId,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub listed: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub roles: List<String>,
    pub legal_form: String,
    #[sqlx(try_from = "String")]
    pub domains: List<String>,
    pub website: String,
    pub commune: String,
    pub governance: String,
    pub public_key_pem: Option<String>,
    pub decided_at: Option<i64>,
}

impl SignatoryActorRow {
    /// Published as an actor: approved, listed, with keys.
    pub fn is_public(&self) -> bool {
        self.status == Status::Approved && self.listed != 0 && self.public_key_pem.is_some()
    }
}

impl Store {
    pub async fn signatory_actor(&self, id: SignatoryId) -> AppResult<Option<SignatoryActorRow>> {
        signatory_actor_in(self.pool(), id).await
    }

    /// Ids of the territory's public signatory actors, for its `members` collection.
    pub async fn member_ids(&self, territory_id: TerritoryId) -> AppResult<Vec<SignatoryId>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM signatories WHERE territory_id = $1 AND status = 'approved' AND listed = 1 \
             AND public_key_pem IS NOT NULL ORDER BY id",
        )
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?)
    }
}

/// A territory's listed, approved signatories (its public directory), read through the pool or
/// inside a change's transaction.
pub async fn listed_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    territory_id: TerritoryId,
) -> AppResult<Vec<SignatoryPublic>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PUBLIC} FROM signatories WHERE territory_id = $1 AND status = 'approved' AND listed = 1 ORDER BY name, id"
    ))
    .bind(territory_id)
    .fetch_all(conn)
    .await?)
}

/// [`Store::signatory_actor`], read through the pool or inside a change's transaction.
pub async fn signatory_actor_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: SignatoryId,
) -> AppResult<Option<SignatoryActorRow>> {
    Ok(sqlx::query_as(
        "SELECT id, territory_id, kind, status, listed, name, roles, legal_form, domains, website, commune, governance, \
         public_key_pem, decided_at FROM signatories WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}
