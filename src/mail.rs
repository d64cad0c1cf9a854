//! Outgoing mail: by SMTP when `smtp_url` is configured, otherwise written to
//! `<data_dir>/outbox/*.eml` — never lost. Logs name the file or the outcome, never the
//! recipient (addresses are personal data).

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Body, Mailbox, SinglePart, header::ContentType},
};

use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

pub struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn send(state: &AppState, mail: Mail<'_>) -> AppResult<()> {
    let from: Mailbox = state.config.mail_from.parse().map_err(|e| AppError::Internal(format!("mail_from: {e}")))?;
    let to: Mailbox = mail.to.parse().map_err(|_| AppError::Unprocessable("email-invalid".into()))?;
    // 8bit text: readable as is in the outbox files, and accepted by every 8BITMIME server.
    // lettre chooses the transfer encoding (quoted-printable for French text).
    let part = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(Body::new(mail.body.to_string()));
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .singlepart(part)
        .map_err(|e| AppError::Internal(format!("mail: {e}")))?;
    match &state.config.smtp_url {
        Some(url) => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| AppError::Internal(format!("smtp_url: {e}")))?
                .build();
            transport.send(message).await.map_err(|e| AppError::BadGateway(format!("SMTP: {e}")))?;
            tracing::info!(subject = mail.subject, "mail sent by SMTP");
        }
        None => {
            let dir = state.config.data_dir.join("outbox");
            tokio::fs::create_dir_all(&dir).await.map_err(|e| AppError::Internal(format!("outbox: {e}")))?;
            let file = dir.join(format!("{}-{}.eml", crate::domain::now_millis(), uuid::Uuid::new_v4().simple()));
            tokio::fs::write(&file, message.formatted())
                .await
                .map_err(|e| AppError::Internal(format!("outbox: {e}")))?;
            tracing::info!(file = %file.display(), subject = mail.subject, "mail written to the outbox (no SMTP configured)");
        }
    }
    Ok(())
}
