//! `Move` of an actor to another address, as Mastodon sends it when an account migrates
//! (<https://docs.joinmastodon.org/spec/activitypub/#Move>): `actor` and `object` the old
//! actor, `target` the new one, which lists the old in `alsoKnownAs`.

use serde::Deserialize;
use url::Url;

use super::inbound::Ref;

#[derive(Debug, Clone, Deserialize)]
pub struct Move {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
    pub target: Ref,
}
