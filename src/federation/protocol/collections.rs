//! Paged `OrderedCollection`s (followers, following, outbox).
//! https://www.w3.org/TR/activitystreams-core/#paging

use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub total_items: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
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
            kind: "OrderedCollectionPage",
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

/// `replies` of a practice: a `Collection` of comment ids whose `first` page is inline (as
/// Mastodon serves it; GoToSocial warns about a collection without one), or page `page` alone.
pub fn replies(ap_id: &str, comments: &[String], page: usize) -> Value {
    let id = format!("{ap_id}/replies");
    let page_of = |n: usize| {
        let items: Vec<&String> = comments.iter().skip((n - 1) * REPLIES_PAGE).take(REPLIES_PAGE).collect();
        let mut v = json!({
            "id": format!("{id}?page={n}"), "type": "CollectionPage", "partOf": id, "items": items,
        });
        if comments.len() > n * REPLIES_PAGE {
            v["next"] = json!(format!("{id}?page={}", n + 1));
        }
        v
    };
    if page > 1 {
        return page_of(page);
    }
    json!({"id": id, "type": "Collection", "totalItems": comments.len(), "first": page_of(1)})
}

/// A collection known by its count only (`likes`, `shares`).
pub fn counted(total: i64) -> Value {
    json!({"type": "Collection", "totalItems": total})
}

/// An `OrderedCollection` with every item inline (a territory's `featured`, the outbox's newest
/// practices as Lemmy reads them); `first` is added by callers that also page.
pub fn inline_ordered(context: Value, id: &Url, total: i64, items: Vec<Value>) -> Value {
    json!({"@context": context, "id": id, "type": "OrderedCollection", "totalItems": total, "orderedItems": items})
}
