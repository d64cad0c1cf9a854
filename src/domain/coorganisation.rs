//! Co-organising a shared action across instances (issue 12, point 7): territory A invites a
//! territory B of another instance with an `Invite`; B's moderators accept or decline it;
//! either side may withdraw later. The states of an invitation, as stored
//! (`action_invitations`). Flow and wire shapes: docs/FEDERATION.md, "Co-organisation".

super::code::closed_set! {
    /// Which side of the invitation this instance holds: `Sent` by one of our territories (the
    /// action is ours), `Received` by one (the action is a remote one, stored here).
    pub enum InvitationDirection ("invitation direction") {
        Sent = "sent",
        Received = "received",
    }
}

super::code::closed_set! {
    /// `Pending` until the invited territory answers; `Accepted`: it co-organises;
    /// `Declined`: it said no; `Withdrawn`: either side ended the co-organisation.
    pub enum InvitationState ("invitation state") {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Withdrawn = "withdrawn",
    }
}
