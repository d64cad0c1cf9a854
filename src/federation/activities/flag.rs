//! `Flag`: a report from the fediverse (Mastodon, Misskey, GoToSocial: from the instance actor,
//! the account and its posts in `object`; Lemmy: from the user, one post or comment). Each
//! object this instance holds becomes a report in the moderators' queue
//! (`processing::reports::file_flag`); a `Flag` with no object, or about nothing of ours, is
//! ignored (202). One from a blocked domain never gets here (the inbox answers it 202 and drops it);
//! objects of a territory that blocks the reporter or its domain are dropped (one posted to that
//! territory's inbox, or naming a single object of it, is dropped by the inbox already).

use super::{Activity, Received};
use crate::{error::AppResult, federation::protocol::inbound::Flag, processing::reports};

impl Activity for Flag {
    /// Anyone may report: the inbox checked that the signer is the reporter.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let objects = self.objects();
        if objects.is_empty() {
            tracing::info!(activity = %self.id, "Flag without object: ignored");
            return Ok(());
        }
        let (reporter, host) = (&ctx.signer.ap_id, &ctx.signer.host);
        let filed = reports::file_flag(ctx.state(), self.id.as_str(), reporter, host, &objects, self.comment()).await?;
        if filed == 0 {
            tracing::info!(activity = %self.id, "Flag of nothing held here: ignored");
        } else {
            tracing::info!(activity = %self.id, reports = filed, "Flag received: reports filed");
        }
        Ok(())
    }
}
