//! Paged `OrderedCollection`s (followers, following, outbox).
//! https://www.w3.org/TR/activitystreams-core/#paging

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::activities::to_value;

pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CollectionKind {
    Collection,
    CollectionPage,
    OrderedCollection,
    OrderedCollectionPage,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    pub total_items: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    pub part_of: Url,
    pub total_items: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<Url>,
    pub ordered_items: Vec<Value>,
}

pub fn page_url(collection: &Url, page: i64) -> Url {
    let mut u = collection.clone();
    u.set_query(Some(&format!("page={page}")));
    u
}

impl OrderedCollectionPage {
    pub fn new(collection: &Url, page: i64, total: i64, items: Vec<Value>) -> Self {
        let last_page = (total + PAGE_SIZE - 1) / PAGE_SIZE;
        OrderedCollectionPage {
            context: super::activity_context(),
            id: page_url(collection, page),
            kind: CollectionKind::OrderedCollectionPage,
            part_of: collection.clone(),
            total_items: total,
            next: (page < last_page).then(|| page_url(collection, page + 1)),
            prev: (page > 1).then(|| page_url(collection, page - 1)),
            ordered_items: items,
        }
    }
}

/// Comments inline in the `replies` collection's first page (Mastodon serves 5; the rest is
/// behind `next`).
pub const REPLIES_PAGE: usize = 20;

/// A page of an unordered collection (`replies`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionPage {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    pub part_of: String,
    pub items: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A `Collection` with its first page inline, or known by its count only (`likes`, `shares`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    pub total_items: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<CollectionPage>,
}

/// An `OrderedCollection` with every item inline.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineOrderedCollection {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: CollectionKind,
    pub total_items: i64,
    pub ordered_items: Vec<Value>,
}

/// `replies` of a practice: a `Collection` of comment ids whose `first` page is inline (as
/// Mastodon serves it; GoToSocial warns about a collection without one), or page `page` alone.
pub fn replies(id: &Url, comments: &[String], page: usize) -> Value {
    let page_of = |n: usize| CollectionPage {
        id: page_url(id, n as i64).to_string(),
        kind: CollectionKind::CollectionPage,
        part_of: id.to_string(),
        items: comments.iter().skip((n - 1) * REPLIES_PAGE).take(REPLIES_PAGE).cloned().collect(),
        next: (comments.len() > n * REPLIES_PAGE).then(|| page_url(id, n as i64 + 1).to_string()),
    };
    if page > 1 {
        return to_value(&page_of(page));
    }
    to_value(&Collection {
        id: Some(id.to_string()),
        kind: CollectionKind::Collection,
        total_items: i64::try_from(comments.len()).unwrap_or(i64::MAX),
        first: Some(page_of(1)),
    })
}

/// A collection known by its count only (`likes`, `shares`).
pub fn counted(total: i64) -> Value {
    to_value(&Collection { id: None, kind: CollectionKind::Collection, total_items: total, first: None })
}

/// An `OrderedCollection` with every item inline (a territory's `featured`, the outbox's newest
/// practices as Lemmy reads them); `first` is added by callers that also page.
pub fn inline_ordered(context: Value, id: &Url, total: i64, items: Vec<Value>) -> Value {
    to_value(&InlineOrderedCollection {
        context,
        id: id.clone(),
        kind: CollectionKind::OrderedCollection,
        total_items: total,
        ordered_items: items,
    })
}
