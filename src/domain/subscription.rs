//! Instance-to-instance subscriptions (issue 13, point 7): the instance actor follows a whole
//! instance (every territory there, including those created later) or a LitePub relay.

super::code::closed_set! {
    /// What our instance actor follows.
    pub enum SubscriptionKind ("subscription kind") {
        /// Another instance's `Application` actor (FEP-2677): its territories' public activities.
        Instance = "instance",
        /// A LitePub relay (activityrelay, Pleroma): followed with object `as:Public`; it
        /// `Announce`s public objects of other servers, which we fetch from their origin.
        Relay = "relay",
    }
}

/// The object a LitePub relay expects in the Follow it receives.
/// https://git.pleroma.social/pleroma/relay/-/blob/master/relay/processors.py
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
