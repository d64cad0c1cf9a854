//! Paged `OrderedCollection`s (followers, following, outbox).
//! https://www.w3.org/TR/activitystreams-core/#paging

use serde::Serialize;
use serde_json::Value;
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
