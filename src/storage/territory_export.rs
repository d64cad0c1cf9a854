//! The rows of one territory as they travel to another instance (`maillage territory export` /
//! `import`, issue 15 point 9; docs/admin.md "Moving a territory").
//!
//! Rows are read column by column into [`Cell`]s, so a column added by a later migration travels
//! without touching this file; on import every id is given anew by the target database and the
//! columns naming another exported row are remapped ([`TABLES`]).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Column, Row, ValueRef, any::AnyRow};

use crate::error::{AppError, AppResult};

/// One stored value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// A row: column name → value.
pub type Rows = Vec<BTreeMap<String, Cell>>;

/// One table of a territory: which rows belong to it (`$1` is the territory's id), which
/// columns name rows of tables exported before it, and whether it has its own `id`.
pub struct Table {
    pub name: &'static str,
    scope: &'static str,
    refs: &'static [(&'static str, &'static str)],
    has_id: bool,
}

/// In insertion order: a table comes after those its rows name.
pub const TABLES: &[Table] = &[
    Table { name: "territories", scope: "id = $1", refs: &[], has_id: true },
    Table { name: "charters", scope: "territory_id = $1", refs: &[("territory_id", "territories")], has_id: true },
    Table {
        name: "signatories",
        scope: "territory_id = $1",
        refs: &[("territory_id", "territories"), ("charter_id", "charters")],
        has_id: true,
    },
    Table { name: "practices", scope: "territory_id = $1", refs: &[("territory_id", "territories")], has_id: true },
    Table {
        name: "practice_revisions",
        scope: "practice_id IN (SELECT id FROM practices WHERE territory_id = $1)",
        refs: &[("practice_id", "practices")],
        has_id: true,
    },
    Table {
        name: "practice_dimensions",
        scope: "practice_id IN (SELECT id FROM practices WHERE territory_id = $1)",
        refs: &[("practice_id", "practices")],
        has_id: false,
    },
    Table { name: "actions", scope: "territory_id = $1", refs: &[("territory_id", "territories")], has_id: true },
    Table {
        name: "action_practices",
        scope: "action_id IN (SELECT id FROM actions WHERE territory_id = $1)",
        refs: &[("action_id", "actions"), ("practice_id", "practices")],
        has_id: false,
    },
    Table { name: "announcements", scope: "territory_id = $1", refs: &[("territory_id", "territories")], has_id: true },
];

/// Columns that do not travel: they name a row of the old instance (its `media` row: the icon
/// travels as bytes and gets a new row); the target's defaults apply. Token hashes do travel: links already mailed reach the new
/// instance through the old address's redirect and still work there.
const LEFT_BEHIND: &[(&str, &str)] = &[("territories", "icon_media_id")];

fn cell(row: &AnyRow, i: usize) -> AppResult<Cell> {
    if row.try_get_raw(i)?.is_null() {
        return Ok(Cell::Null);
    }
    if let Ok(v) = row.try_get::<i64, _>(i) {
        return Ok(Cell::Int(v));
    }
    if let Ok(v) = row.try_get::<f64, _>(i) {
        return Ok(Cell::Real(v));
    }
    Ok(Cell::Text(row.try_get::<String, _>(i)?))
}

/// The stored columns of `table`, in order: generated ones (PostgreSQL's `search_vector` of
/// practices) are computed again by the target, and the Any driver cannot read them.
async fn stored_columns(conn: &mut AnyConnection, table: &str) -> AppResult<Vec<String>> {
    let names: Vec<String> = if conn.backend_name() == "PostgreSQL" {
        sqlx::query_scalar(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' \
             ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&mut *conn)
        .await?
    } else {
        // hidden: 0 a stored column, 2 and 3 generated ones.
        sqlx::query_scalar("SELECT name FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid")
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
    };
    if names.is_empty() {
        return Err(AppError::Internal(format!("no columns for table {table}")));
    }
    Ok(names)
}

/// Every row of `table` that belongs to the territory.
pub async fn rows_of(conn: &mut AnyConnection, table: &Table, territory_id: i64) -> AppResult<Rows> {
    let columns = stored_columns(conn, table.name).await?.join(", ");
    // Table names and scopes are constants of this file, never input; the columns come from
    // the database's own catalogue.
    let sql = format!("SELECT {columns} FROM {} WHERE {} ORDER BY 1", table.name, table.scope);
    let rows = sqlx::query(&sql).bind(territory_id).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            let mut out = BTreeMap::new();
            for (i, col) in row.columns().iter().enumerate() {
                if LEFT_BEHIND.contains(&(table.name, col.name())) {
                    continue;
                }
                out.insert(col.name().to_string(), cell(row, i)?);
            }
            Ok(out)
        })
        .collect()
}

/// The accepted followers' actor ids (they follow the new address after the `Move`).
pub async fn follower_ids(conn: &mut AnyConnection, territory_id: i64) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT a.ap_id FROM followers f JOIN remote_actors a ON a.id = f.actor_id \
         WHERE f.territory_id = $1 AND f.state = 'accepted' ORDER BY a.ap_id",
    )
    .bind(territory_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The territory's icon (content type, bytes): a `media` row, which travels beside the rows
/// (`icon_media_id` itself is left behind).
pub async fn icon_of(conn: &mut AnyConnection, territory_id: i64) -> AppResult<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT m.content_type, m.bytes FROM media m JOIN territories t ON t.icon_media_id = m.id WHERE t.id = $1",
    )
    .bind(territory_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Old id → new id, per table.
#[derive(Default)]
pub struct IdMap(HashMap<&'static str, HashMap<i64, i64>>);

impl IdMap {
    pub fn get(&self, table: &str, old: i64) -> Option<i64> {
        self.0.get(table).and_then(|m| m.get(&old)).copied()
    }

    /// The new id of the one row of `table` (the territory).
    pub fn only(&self, table: &str) -> Option<i64> {
        match self.0.get(table) {
            Some(m) if m.len() == 1 => m.values().next().copied(),
            _ => None,
        }
    }
}

/// Inserts the rows of `table`; `rewrite` turns a text value of the old instance (its URLs) into
/// the new one's. A row naming a row that did not travel (an action's remote practice) is left.
pub async fn insert_rows(
    conn: &mut AnyConnection,
    table: &'static Table,
    rows: &Rows,
    ids: &mut IdMap,
    rewrite: &dyn Fn(&str, &str) -> String,
) -> AppResult<usize> {
    let mut inserted = 0;
    'rows: for row in rows {
        let mut cols = Vec::new();
        let mut vals = Vec::new();
        let mut old_id = None;
        for (name, value) in row {
            if LEFT_BEHIND.contains(&(table.name, name.as_str())) {
                continue;
            }
            if table.has_id && name == "id" {
                old_id = match value {
                    Cell::Int(v) => Some(*v),
                    _ => return Err(AppError::BadRequest(format!("{}: id is not a number", table.name))),
                };
                continue;
            }
            let value = match (table.refs.iter().find(|(c, _)| c == name), value) {
                (Some((_, target)), Cell::Int(old)) => match ids.get(target, *old) {
                    Some(new) => Cell::Int(new),
                    None => continue 'rows,
                },
                (_, Cell::Text(t)) => Cell::Text(rewrite(name, t)),
                (_, v) => v.clone(),
            };
            // A NULL is left out: the column's default (NULL) applies, whatever its type.
            if value != Cell::Null {
                cols.push(name.as_str());
                vals.push(value);
            }
        }
        if cols.iter().any(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')) {
            return Err(AppError::BadRequest(format!("{}: a column name is not a plain name", table.name)));
        }
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let mut sql = format!("INSERT INTO {} ({}) VALUES ({})", table.name, cols.join(", "), marks.join(", "));
        if table.has_id {
            sql.push_str(" RETURNING id");
        }
        let mut q = sqlx::query(&sql);
        for v in vals {
            q = match v {
                Cell::Int(i) => q.bind(i),
                Cell::Real(r) => q.bind(r),
                Cell::Text(t) => q.bind(t),
                Cell::Null => q,
            };
        }
        if table.has_id {
            let new: i64 = q.fetch_one(&mut *conn).await?.try_get(0)?;
            if let Some(old) = old_id {
                ids.0.entry(table.name).or_default().insert(old, new);
            }
        } else {
            q.execute(&mut *conn).await?;
        }
        inserted += 1;
    }
    Ok(inserted)
}
