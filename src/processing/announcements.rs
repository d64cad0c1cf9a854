//! Announcements of a territory: moderators write, edit and delete them (page and API); each is
//! one `Change` with what followers get (`announcement_publication`) and its audit entry. The
//! image is checked, re-encoded and written before the change (`media`).

use serde_json::Value;
use sqlx::AnyConnection;

use super::{
    announcement_publication::{AnnouncementReaders, Change as Kind, Shapes, prepare},
    media::{self, Image},
    unit::Change,
};
use crate::{
    domain::announcement::{AnnouncementInput, AnnouncementStatus, NewAnnouncement},
    error::{AppError, AppResult},
    federation::protocol::{
        announcement::{AnnouncementFields, lemmy_page, mobilizon_post, note, title_for_lemmy},
        practice::Publication,
    },
    state::AppState,
    storage::{
        announcements::{self as store, AnnouncementContent, AnnouncementRow},
        follows::follower_inboxes_in,
    },
    text::html::markdown_to_html,
};

/// Why an announcement was not saved.
pub type AnnouncementError = super::input_error::InputError;

/// What becomes of the image.
#[derive(Debug, Clone)]
pub enum ImageChange {
    Keep,
    Remove,
    /// An upload (bytes as received), or `TooLarge` when it was cut at the limit.
    New(Vec<u8>),
    TooLarge,
}

impl ImageChange {
    /// The API's `image_base64`: empty keeps, `-` removes; anything else is an upload.
    pub fn from_base64(s: &str) -> ImageChange {
        use base64::Engine;
        match s.trim() {
            "" => ImageChange::Keep,
            "-" => ImageChange::Remove,
            s => match base64::engine::general_purpose::STANDARD.decode(s) {
                Ok(b) => ImageChange::New(b),
                // Not base64: not an image either.
                Err(_) => ImageChange::New(vec![]),
            },
        }
    }
}

/// The image to store (checked), or the field error.
fn checked(image: &ImageChange) -> Result<Option<Image>, &'static str> {
    match image {
        ImageChange::New(b) => media::prepare(b).map(Some).map_err(|e| e.key()),
        ImageChange::TooLarge => Err(media::MediaError::TooLarge.key()),
        ImageChange::Keep | ImageChange::Remove => Ok(None),
    }
}

/// Parses the input and the image together: every field's error at once, nothing stored.
fn parse(
    input: &AnnouncementInput,
    image: &ImageChange,
    current: Option<&AnnouncementRow>,
) -> Result<(NewAnnouncement, Option<Image>), AnnouncementError> {
    let img = checked(image);
    let has_image = match image {
        ImageChange::Keep => current.is_some_and(|c| !c.image_name.is_empty()),
        ImageChange::Remove => false,
        _ => true,
    };
    match (NewAnnouncement::parse(input, has_image), img) {
        (Ok(a), Ok(img)) => Ok((a, img)),
        (a, img) => {
            let mut e = a.err().unwrap_or_default();
            if let Err(key) = img {
                e.push(("image", key));
            }
            Err(AnnouncementError::Fields(e))
        }
    }
}

fn content(
    a: &NewAnnouncement,
    img: Option<&Image>,
    image: &ImageChange,
    current: Option<&AnnouncementRow>,
) -> AnnouncementContent {
    let mut c = AnnouncementContent {
        title: a.title.clone(),
        body_md: a.text.clone(),
        body_html: markdown_to_html(&a.text),
        link: a.link.clone().unwrap_or_default(),
        image_alt: a.image_alt.clone(),
        tags: a.tags.join(","),
        ..AnnouncementContent::default()
    };
    match (img, image, current) {
        (Some(i), _, _) => {
            c.image_name = i.name.clone();
            c.image_type = i.content_type.into();
            c.image_width = i64::from(i.width);
            c.image_height = i64::from(i.height);
        }
        (None, ImageChange::Keep, Some(cur)) => {
            c.image_name = cur.image_name.clone();
            c.image_type = cur.image_type.clone();
            c.image_width = cur.image_width;
            c.image_height = cur.image_height;
        }
        _ => c.image_alt.clear(),
    }
    c
}

/// The stored announcement back into the input shape (for partial updates).
pub fn as_input(r: &AnnouncementRow) -> AnnouncementInput {
    AnnouncementInput {
        title: r.title.clone(),
        text: r.body_md.clone(),
        link: r.link.clone(),
        tags: r.tags.to_vec(),
        image_alt: r.image_alt.clone(),
        image_base64: String::new(),
        status: r.status.as_str().into(),
    }
}

/// Where the image of `r` is served.
pub fn image_url(state: &AppState, r: &AnnouncementRow) -> Option<String> {
    (!r.image_name.is_empty()).then(|| state.urls.announcement_media(&r.image_name).to_string())
}

/// The territory that publishes `r`.
async fn publication_in(state: &AppState, conn: &mut AnyConnection, r: &AnnouncementRow) -> AppResult<Publication> {
    let slug =
        store::territory_slug_in(conn, r.territory_id).await?.ok_or_else(|| AppError::NotFound("territory".into()))?;
    Ok(Publication::local(&state.urls, &slug))
}

/// The `Note` of `r` (as served at its id), its Lemmy `Page` and its Mobilizon group post.
pub fn shapes(state: &AppState, at: &Publication, r: &AnnouncementRow) -> Shapes {
    let image = image_url(state, r);
    let tags = r.tags.to_vec();
    let f = AnnouncementFields {
        ap_id: &r.ap_id,
        title: &r.title,
        body_html: &r.body_html,
        body_md: &r.body_md,
        link: &r.link,
        image: image
            .as_deref()
            .map(|u| (u, r.image_type.as_str(), r.image_width, r.image_height, r.image_alt.as_str())),
        tags: &tags,
        created_at: r.created_at,
        updated_at: r.updated_at,
        published_at: r.published_at,
    };
    let n = note(&f, at);
    let name = title_for_lemmy(&r.title, &r.body_md);
    let page = lemmy_page(&n, &name, &r.link);
    let post = mobilizon_post(&n, &r.title, &name);
    Shapes { note: n, page, post }
}

/// The `Note` served at the announcement's id (to Mobilizon, when `group_post`, its group post).
pub async fn note_json(state: &AppState, r: &AnnouncementRow, group_post: bool) -> AppResult<Value> {
    let at = publication_in(state, &mut *state.store.pool().acquire().await?, r).await?;
    let s = shapes(state, &at, r);
    Ok(if group_post { s.post } else { s.note })
}

/// What the followers' hosts read, asked before the change (network).
async fn readers_before(state: &AppState, r: &AnnouncementRow) -> AppResult<AnnouncementReaders> {
    let inboxes = state.store.follower_inboxes(r.territory_id).await?;
    Ok(AnnouncementReaders::of(state, &inboxes).await)
}

/// Queues what followers get of `r` (as it is once the change commits), inside the change.
async fn tell_followers(
    state: &AppState,
    change: &mut Change,
    readers: &AnnouncementReaders,
    r: &AnnouncementRow,
    kind: Kind,
) -> AppResult<()> {
    let inboxes = follower_inboxes_in(change.conn(), r.territory_id).await?;
    let at = publication_in(state, change.conn(), r).await?;
    let shapes = (kind != Kind::Delete).then(|| shapes(state, &at, r));
    let prepared = prepare(state, readers, &at, &r.ap_id, kind, shapes, &inboxes);
    change.queue_prepared(Some(r.territory_id), &prepared).await
}

/// A live (not deleted) announcement, or 404.
pub async fn live_in(conn: &mut AnyConnection, id: i64) -> AppResult<AnnouncementRow> {
    store::announcement_in(conn, id)
        .await?
        .filter(|a| a.status != AnnouncementStatus::Deleted)
        .ok_or_else(|| AppError::NotFound(format!("announcement {id}")))
}

pub async fn create(
    state: &AppState,
    slug: &str,
    input: &AnnouncementInput,
    image: &ImageChange,
    by: &str,
) -> Result<i64, AnnouncementError> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let (a, img) = parse(input, image, None)?;
    if let Some(img) = &img {
        media::store(&state.config.data_dir, img).await?;
    }
    let readers = if a.status == AnnouncementStatus::Published {
        AnnouncementReaders::of(state, &state.store.follower_inboxes(t.id).await?).await
    } else {
        AnnouncementReaders::default()
    };
    let c = content(&a, img.as_ref(), image, None);
    let mut change = Change::begin(state).await?;
    let draft_id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let id = store::insert(change.conn(), &draft_id, t.id, &c, a.status, by).await?;
    store::set_ap_id(change.conn(), id, state.urls.announcement(&t.slug, id).as_str()).await?;
    if a.status == AnnouncementStatus::Published {
        let fresh = live_in(change.conn(), id).await?;
        tell_followers(state, &mut change, &readers, &fresh, Kind::Create).await?;
    }
    change.audit(by, "announcement.create", &format!("announcement {id}")).await?;
    change.commit().await?;
    Ok(id)
}

/// Applies the fields present in `patch` (a JSON object) and the image change. Published, its
/// followers get the `Update`; a draft published now, the `Create`; a published one taken back
/// to draft, a `Delete` (it leaves their timelines).
pub async fn update(
    state: &AppState,
    id: i64,
    patch: &Value,
    image: &ImageChange,
    by: &str,
) -> Result<(), AnnouncementError> {
    let before = live_in(&mut *state.store.pool().acquire().await?, id).await?;
    let fields = patch.as_object().ok_or_else(|| AppError::BadRequest("a JSON object".into()))?;
    let mut merged = serde_json::to_value(as_input(&before)).map_err(AppError::from)?;
    if let Some(m) = merged.as_object_mut() {
        for (k, v) in fields.iter().filter(|(k, _)| *k != "image_base64") {
            m.insert(k.clone(), v.clone());
        }
    }
    let input: AnnouncementInput =
        serde_json::from_value(merged).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let (a, img) = parse(&input, image, Some(&before))?;
    if let Some(img) = &img {
        media::store(&state.config.data_dir, img).await?;
    }
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let current = live_in(change.conn(), id).await?;
    store::update_content(change.conn(), id, &content(&a, img.as_ref(), image, Some(&current))).await?;
    if a.status != current.status {
        store::set_status(change.conn(), id, a.status).await?;
    }
    let fresh = live_in(change.conn(), id).await?;
    let kind = match (current.is_published(), fresh.is_published()) {
        (true, true) => Some(Kind::Update),
        (false, true) => Some(Kind::Create),
        (true, false) => Some(Kind::Delete),
        (false, false) => None,
    };
    if let Some(kind) = kind {
        tell_followers(state, &mut change, &readers, &fresh, kind).await?;
    }
    change.audit(by, "announcement.update", &format!("announcement {id}")).await?;
    change.commit().await?;
    Ok(())
}

/// Deletes: the row stays as `deleted` (its id answers `410 Gone` with a `Tombstone`), its
/// activities leave the outbox, followers of a published one get a `Delete`.
pub async fn delete(state: &AppState, id: i64, by: &str) -> AppResult<()> {
    let before = live_in(&mut *state.store.pool().acquire().await?, id).await?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let current = live_in(change.conn(), id).await?;
    crate::storage::activities::retract_public(change.conn(), &current.ap_id).await?;
    if current.is_published() {
        tell_followers(state, &mut change, &readers, &current, Kind::Delete).await?;
    }
    store::set_status(change.conn(), id, AnnouncementStatus::Deleted).await?;
    change.audit(by, "announcement.delete", &format!("announcement {id}")).await?;
    change.commit().await
}

/// A published announcement and what its followers' hosts read (network, asked before a
/// moderator's change); `None` when `ap_id` names no published announcement.
pub async fn published_with_readers(
    state: &AppState,
    ap_id: &str,
) -> AppResult<Option<(AnnouncementRow, AnnouncementReaders)>> {
    let Some(a) = state.store.announcement_by_ap_id(ap_id).await?.filter(|a| a.is_published()) else {
        return Ok(None);
    };
    let readers = readers_before(state, &a).await?;
    Ok(Some((a, readers)))
}

/// Takes a published announcement back to draft inside the caller's change (a moderator's
/// decision on a report): it leaves the public pages and the outbox, followers get a `Delete`.
/// A draft rather than a deletion, so that its authors can correct it and publish it again.
pub async fn unpublish_in(
    state: &AppState,
    change: &mut Change,
    readers: &AnnouncementReaders,
    id: i64,
    by: &str,
) -> AppResult<()> {
    let current = live_in(change.conn(), id).await?;
    if !current.is_published() {
        return Err(AppError::Conflict(format!("announcement {id} is not published")));
    }
    crate::storage::activities::retract_public(change.conn(), &current.ap_id).await?;
    tell_followers(state, change, readers, &current, Kind::Delete).await?;
    store::set_status(change.conn(), id, AnnouncementStatus::Draft).await?;
    change.audit(by, "announcement.unpublish", &format!("announcement {id}")).await
}
